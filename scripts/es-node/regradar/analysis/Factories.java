package regradar.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Adapters from "settings in, Lucene tokenizer, filter or analyzer out" to Elasticsearch's analysis providers, so each
 * registered name is one line over the Lucene class the distribution uses for it. Settings are read once,
 * when the index (or the _analyze request) builds the component, as Elasticsearch's own factories do.
 */
final class Factories {
    private Factories() {}

    /** A token filter usable in analyzers only (stemmers, bigrams change the token count or meaning). */
    static AnalysisProvider<TokenFilterFactory> filter(Function<Settings, UnaryOperator<TokenStream>> build) {
        return (indexSettings, environment, name, settings) -> {
            UnaryOperator<TokenStream> wrap = build.apply(settings);
            return new AbstractTokenFilterFactory(name) {
                @Override
                public TokenStream create(TokenStream input) {
                    return wrap.apply(input);
                }
            };
        };
    }

    /**
     * A token filter that maps one token to one token, so Elasticsearch also allows it in normalizers
     * (keyword fields) and applies it to wildcard/prefix query terms, as for the distribution's filters.
     * {@code normalize} is given separately where the analyzer form may emit extra tokens.
     */
    static AnalysisProvider<TokenFilterFactory> normalizingFilter(
        Function<Settings, UnaryOperator<TokenStream>> build,
        Function<Settings, UnaryOperator<TokenStream>> buildNormalize
    ) {
        return (indexSettings, environment, name, settings) -> {
            UnaryOperator<TokenStream> wrap = build.apply(settings);
            UnaryOperator<TokenStream> wrapNormalize = buildNormalize.apply(settings);
            return new NormalizingFactory(name, wrap, wrapNormalize);
        };
    }

    static AnalysisProvider<TokenFilterFactory> normalizingFilter(Function<Settings, UnaryOperator<TokenStream>> build) {
        return normalizingFilter(build, build);
    }

    static AnalysisProvider<TokenizerFactory> tokenizer(Function<Settings, Supplier<Tokenizer>> build) {
        return (indexSettings, environment, name, settings) -> {
            Supplier<Tokenizer> create = build.apply(settings);
            return new AbstractTokenizerFactory(name) {
                @Override
                public Tokenizer create() {
                    return create.get();
                }
            };
        };
    }

    static AnalysisProvider<AnalyzerProvider<? extends Analyzer>> analyzer(BiFunction<Environment, Settings, Analyzer> build) {
        return (indexSettings, environment, name, settings) -> {
            Analyzer analyzer = build.apply(environment, settings);
            return new AbstractIndexAnalyzerProvider<>(name) {
                @Override
                public Analyzer get() {
                    return analyzer;
                }
            };
        };
    }

    private static final class NormalizingFactory extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final UnaryOperator<TokenStream> wrap;
        private final UnaryOperator<TokenStream> wrapNormalize;

        NormalizingFactory(String name, UnaryOperator<TokenStream> wrap, UnaryOperator<TokenStream> wrapNormalize) {
            super(name);
            this.wrap = wrap;
            this.wrapNormalize = wrapNormalize;
        }

        @Override
        public TokenStream create(TokenStream input) {
            return wrap.apply(input);
        }

        @Override
        public TokenStream normalize(TokenStream input) {
            return wrapNormalize.apply(input);
        }
    }
}
