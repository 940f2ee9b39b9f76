package io.polku.text;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The languages Spark has stop-word lists for, by the codes a feedback source may carry. Used by
 * the configuration's checks and by the comment words of root-cause segments.
 */
public final class StopWordLanguages {
  /** The letters a language code is read by: "pt-BR" is "pt". */
  public static final String LEADING = "^([a-z]+)";

  private static final Pattern LEADING_LETTERS = Pattern.compile(LEADING);

  private StopWordLanguages() {}

  /**
   * The languages of Spark's stop-word lists ({@link
   * org.apache.spark.ml.feature.StopWordsRemover#loadDefaultStopWords}) by the codes a feedback
   * source may carry: ISO 639-1, ISO 639-2 (B and T) and the English name.
   */
  public static final Map<String, String> CODES = languages();

  private static Map<String, String> languages() {
    String[][] codes = {
      {"danish", "da", "dan"},
      {"dutch", "nl", "nld", "dut"},
      {"english", "en", "eng"},
      {"finnish", "fi", "fin"},
      {"french", "fr", "fra", "fre"},
      {"german", "de", "deu", "ger"},
      {"hungarian", "hu", "hun"},
      {"italian", "it", "ita"},
      {"norwegian", "no", "nb", "nn", "nor", "nob", "nno"},
      {"portuguese", "pt", "por"},
      {"russian", "ru", "rus"},
      {"spanish", "es", "spa"},
      {"swedish", "sv", "swe"},
      {"turkish", "tr", "tur"}
    };
    Map<String, String> out = new TreeMap<>();
    for (String[] c : codes) {
      for (String code : c) {
        out.put(code, c[0]);
      }
    }
    return Map.copyOf(out);
  }

  /**
   * The stop-word language of a language code ("pt", "pt-BR", "POR", "portuguese"), or null when
   * Spark has no list for it. Only the leading letters count, case-insensitively.
   */
  public static String of(String code) {
    if (code == null) {
      return null;
    }
    Matcher m = LEADING_LETTERS.matcher(code.trim().toLowerCase(Locale.ROOT));
    return m.find() ? CODES.get(m.group(1)) : null;
  }
}
