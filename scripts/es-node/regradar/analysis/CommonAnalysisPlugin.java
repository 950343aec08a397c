package regradar.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.lucene.analysis.miscellaneous.DisableGraphAttribute;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.tartarus.snowball.ext.EnglishStemmer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import static regradar.analysis.Factories.analyzer;
import static regradar.analysis.Factories.filter;
import static regradar.analysis.Factories.normalizingFilter;
import static regradar.analysis.Factories.tokenizer;

/**
 * The part of Elastic's analysis-common module (bundled with every distribution, absent from Maven
 * Central) that RegRadar's mappings use: same names, same parameters, same Lucene classes, so a mapping
 * analyses identically here and on the official image. Names not listed here are not registered: a
 * mapping that needs one fails at index creation rather than analysing differently.
 */
public final class CommonAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> analyzers = new TreeMap<>();
        analyzers.put("english", analyzer((env, settings) -> new EnglishAnalyzer(
            Analysis.parseStopWords(env, settings, EnglishAnalyzer.getDefaultStopSet()),
            Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
        )));
        analyzers.put("cjk", analyzer((env, settings) -> new CJKAnalyzer(
            Analysis.parseStopWords(env, settings, CJKAnalyzer.getDefaultStopSet())
        )));
        return analyzers;
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
        filters.put("asciifolding", normalizingFilter(
            settings -> {
                boolean preserveOriginal = settings.getAsBoolean("preserve_original", false);
                return input -> new ASCIIFoldingFilter(input, preserveOriginal);
            },
            // a normalizer must yield one token, so the original is never kept there
            settings -> input -> new ASCIIFoldingFilter(input, false)
        ));
        filters.put("cjk_width", normalizingFilter(settings -> CJKWidthFilter::new));
        filters.put("cjk_bigram", filter(CommonAnalysisPlugin::cjkBigram));
        filters.put("porter_stem", filter(settings -> PorterStemFilter::new));
        filters.put("kstem", filter(settings -> KStemFilter::new));
        filters.put("stemmer", filter(CommonAnalysisPlugin::stemmer));
        filters.put("snowball", filter(settings -> {
            String language = capitalize(settings.get("language", settings.get("name", "English")));
            return input -> new SnowballFilter(input, language);
        }));
        return filters;
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> tokenizers = new TreeMap<>();
        // core has only `standard`; normalizers and custom analyzers often name these two
        tokenizers.put("keyword", tokenizer(settings -> {
            int bufferSize = settings.getAsInt("buffer_size", 256);
            return () -> new KeywordTokenizer(bufferSize);
        }));
        tokenizers.put("whitespace", tokenizer(settings -> {
            int maxTokenLength = settings.getAsInt("max_token_length", StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH);
            return () -> new WhitespaceTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, maxTokenLength);
        }));
        return tokenizers;
    }

    /** Params {@code ignored_scripts} (han, hiragana, katakana, hangul) and {@code output_unigrams}. */
    private static UnaryOperator<TokenStream> cjkBigram(Settings settings) {
        boolean outputUnigrams = settings.getAsBoolean("output_unigrams", false);
        List<String> ignored = settings.getAsList("ignored_scripts");
        int flags = 0;
        if (ignored.contains("han") == false) flags |= CJKBigramFilter.HAN;
        if (ignored.contains("hiragana") == false) flags |= CJKBigramFilter.HIRAGANA;
        if (ignored.contains("katakana") == false) flags |= CJKBigramFilter.KATAKANA;
        if (ignored.contains("hangul") == false) flags |= CJKBigramFilter.HANGUL;
        int scripts = flags;
        return input -> {
            CJKBigramFilter bigrams = new CJKBigramFilter(input, scripts, outputUnigrams);
            // unigrams and bigrams overlap in position: keep query parsing off the graph path, as Elastic does
            if (outputUnigrams) bigrams.addAttribute(DisableGraphAttribute.class);
            return bigrams;
        };
    }

    // Elastic's `stemmer` names for English (param `language`, or its older alias `name`; default porter).
    // Other languages are left out on purpose: an unknown language fails loudly below.
    private static final Map<String, UnaryOperator<TokenStream>> ENGLISH_STEMMERS = Map.of(
        "porter", PorterStemFilter::new,
        "english", PorterStemFilter::new,
        "light_english", KStemFilter::new,
        "lightenglish", KStemFilter::new,
        "kstem", KStemFilter::new,
        "porter2", input -> new SnowballFilter(input, new EnglishStemmer()),
        "minimal_english", EnglishMinimalStemFilter::new,
        "minimalenglish", EnglishMinimalStemFilter::new,
        "possessive_english", EnglishPossessiveFilter::new,
        "possessiveenglish", EnglishPossessiveFilter::new
    );

    private static UnaryOperator<TokenStream> stemmer(Settings settings) {
        String language = settings.get("language", settings.get("name", "porter"));
        UnaryOperator<TokenStream> stem = ENGLISH_STEMMERS.get(language.toLowerCase(Locale.ROOT));
        if (stem == null) {
            throw new IllegalArgumentException(
                "stemmer language [" + language + "] is not available on RegRadar's test node; it has "
                    + new TreeMap<>(ENGLISH_STEMMERS).keySet()
            );
        }
        return stem;
    }

    private static String capitalize(String word) {
        return word.isEmpty() ? word : word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
    }
}
