package regradar.analysis;

import com.ibm.icu.text.FilteredNormalizer2;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.Transliterator;
import com.ibm.icu.text.UnicodeSet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.icu.ICUFoldingFilter;
import org.apache.lucene.analysis.icu.ICUNormalizer2CharFilter;
import org.apache.lucene.analysis.icu.ICUNormalizer2Filter;
import org.apache.lucene.analysis.icu.ICUTransformFilter;
import org.apache.lucene.analysis.icu.segmentation.ICUTokenizer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.AbstractCharFilterFactory;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

import java.io.Reader;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import static regradar.analysis.Factories.normalizingFilter;
import static regradar.analysis.Factories.tokenizer;

/**
 * The analysis names of Elastic's official analysis-icu plugin (which operators install into the
 * image), over Lucene's lucene-analysis-icu, with the plugin's parameters and defaults. The
 * icu_collation filter, the icu_collation_keyword field and icu_tokenizer's rule_files are left out.
 */
public final class IcuAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
        // UTR#30 folding: case, accents, width, and more; param unicode_set_filter
        filters.put("icu_folding", normalizingFilter(settings -> normalize(filtered(ICUFoldingFilter.NORMALIZER, settings))));
        // params name (nfc, nfkc, nfkc_cf; default nfkc_cf) and unicode_set_filter
        filters.put("icu_normalizer", normalizingFilter(settings -> normalize(filtered(
            Normalizer2.getInstance(null, settings.get("name", "nfkc_cf"), Normalizer2.Mode.COMPOSE), settings
        ))));
        // params id (an ICU transform id such as Traditional-Simplified; default Null) and dir (forward, reverse)
        filters.put("icu_transform", normalizingFilter(settings -> {
            int dir = "forward".equals(settings.get("dir", "forward")) ? Transliterator.FORWARD : Transliterator.REVERSE;
            Transliterator transliterator = Transliterator.getInstance(settings.get("id", "Null"), dir);
            return input -> new ICUTransformFilter(input, transliterator);
        }));
        return filters;
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        // params name, mode (compose, decompose; anything else means compose) and unicode_set_filter
        return Map.of("icu_normalizer", (indexSettings, environment, name, settings) -> {
            Normalizer2.Mode mode = "decompose".equals(settings.get("mode")) ? Normalizer2.Mode.DECOMPOSE : Normalizer2.Mode.COMPOSE;
            Normalizer2 normalizer = filtered(Normalizer2.getInstance(null, settings.get("name", "nfkc_cf"), mode), settings);
            return new IcuNormalizerCharFilter(name, normalizer);
        });
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("icu_tokenizer", tokenizer(settings -> {
            if (settings.getAsList("rule_files").isEmpty() == false) {
                throw new IllegalArgumentException("icu_tokenizer rule_files are not available on RegRadar's test node");
            }
            return ICUTokenizer::new;
        }));
    }

    private static UnaryOperator<TokenStream> normalize(Normalizer2 normalizer) {
        return input -> new ICUNormalizer2Filter(input, normalizer);
    }

    private static Normalizer2 filtered(Normalizer2 normalizer, Settings settings) {
        String unicodeSetFilter = settings.get("unicode_set_filter");
        if (unicodeSetFilter == null) return normalizer;
        return new FilteredNormalizer2(normalizer, new UnicodeSet(unicodeSetFilter).freeze());
    }

    private static final class IcuNormalizerCharFilter extends AbstractCharFilterFactory implements NormalizingCharFilterFactory {
        private final Normalizer2 normalizer;

        IcuNormalizerCharFilter(String name, Normalizer2 normalizer) {
            super(name);
            this.normalizer = normalizer;
        }

        @Override
        public Reader create(Reader reader) {
            return new ICUNormalizer2CharFilter(reader, normalizer);
        }
    }
}
