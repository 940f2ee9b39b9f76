package io.polku.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.testing.SparkTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md, CHANGELOG.md and docs/*.md points to a file that exists, and
 * every {@code #anchor} (in the same file or in another Markdown file) names a heading of the
 * target, by GitHub's anchor rules. External links (a scheme such as {@code https:}) are not
 * checked. Pure Java: reads files only, never starts Spark (only the static {@link
 * SparkTest#repoRoot()} is used).
 */
class DocLinksTest {
  private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(`{3,}|~{3,})");

  /** A code span: a run of backticks, its content, the same run again (lines, not paragraphs). */
  private static final Pattern CODE_SPAN =
      Pattern.compile("(?<!`)(`+)(?!`)((?:(?!\\n[ \\t]*\\n)[\\s\\S])*?)(?<!`)\\1(?!`)");

  /**
   * Inline link or image: [text](target "title"), target optionally in angle brackets. The text's
   * quantifiers are possessive: an unclosed "[" followed by long text would otherwise recurse until
   * the stack overflows.
   */
  private static final Pattern INLINE_LINK =
      Pattern.compile(
          "!?\\[(?:[^\\[\\]]++|\\[[^\\[\\]]*+\\])*+\\]"
              + "\\(\\s*(<[^>]*>|[^)\\s]+)(?:\\s+(?:\"[^\"]*\"|'[^']*'))?\\s*\\)");

  /** Reference definition: [label]: target. */
  private static final Pattern REFERENCE_DEFINITION =
      Pattern.compile("(?m)^\\s{0,3}\\[[^\\]]+\\]:\\s*(<[^>]*>|\\S+)");

  private static final Pattern ATX_HEADING = Pattern.compile("^\\s{0,3}#{1,6}(?:\\s+(.*?))?\\s*$");
  private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^\\s{0,3}(=+|-+)\\s*$");
  private static final Pattern HTML_ANCHOR =
      Pattern.compile("<a\\s[^>]*\\b(?:name|id)\\s*=\\s*\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

  private final Path root = SparkTest.repoRoot();
  private final Map<Path, Set<String>> anchorCache = new HashMap<>();

  @Test
  void everyRelativeLinkPointsToAFileAndEveryAnchorToAHeading() throws IOException {
    List<Path> files = documents();
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path file : files) {
      String text = Files.readString(file);
      for (String target : links(text)) {
        if (isExternal(target)) {
          continue;
        }
        String problem = check(file, target);
        if (problem != null) {
          problems.add(root.relativize(file) + ": (" + target + ") " + problem);
        }
        checked++;
      }
    }
    assertEquals(List.of(), problems, "broken links in the documentation");
    assertTrue(
        checked >= 10,
        "expected the documentation to link its parts, found "
            + checked
            + " relative links in "
            + files.size()
            + " files");
  }

  @Test
  void anchorsFollowGitHubsRules() {
    assertEquals("sql-for-bi-tools-binpolku-serve", slug("SQL for BI tools: `bin/polku serve`"));
    assertEquals("right-to-erasure-binpolku-forget", slug("Right to erasure: `bin/polku forget`"));
    assertEquals("backfills-batches-and-resume", slug("Backfills: batches and resume"));
    assertEquals("bad-input-quarantine-nothing-lost", slug("Bad input: quarantine, nothing lost"));
    assertEquals("re-runs-backfills-and-late-data", slug("Re-runs, backfills and late data"));
    assertEquals("adding-a-condition-journeysignal", slug("Adding a condition (`JourneySignal`)"));
    assertEquals("snake_case-and-hyphens", slug("snake_case and-hyphens"));
    assertEquals("see-the-docs", slug("See [the docs](docs/usage.md)"));
    assertEquals("käyttö", slug("Käyttö"));
  }

  @Test
  void linksAndHeadingsAreFoundOutsideCode() {
    String text =
        String.join(
            "\n",
            "# Top",
            "## Second: part `two`",
            "## Second: part `two`",
            "[ok](#top) [ok2](#second-part-two-1) ![img](README.md) [ext](https://example.com/x)",
            "[bad](#nowhere) `[in code](missing.md)`",
            "```",
            "# not a heading",
            "[in fence](missing-too.md)",
            "```",
            "[ref]: docs/none.md");
    assertEquals(
        List.of(
            "#top",
            "#second-part-two-1",
            "README.md",
            "https://example.com/x",
            "#nowhere",
            "docs/none.md"),
        links(text));
    assertEquals(Set.of("top", "second-part-two", "second-part-two-1"), anchors(text));
    assertTrue(isExternal("https://example.com/x") && isExternal("mailto:a@b.c"));
    assertFalse(isExternal("docs/usage.md#configuration") || isExternal("#top"));
  }

  private List<Path> documents() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String name : List.of("README.md", "CHANGELOG.md")) {
      Path file = root.resolve(name);
      assertTrue(Files.isRegularFile(file), file + " is missing");
      files.add(file);
    }
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  /** Null when the relative link is fine, else what is wrong with it. */
  private String check(Path from, String target) {
    int hash = target.indexOf('#');
    String pathPart = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    int query = pathPart.indexOf('?');
    if (query >= 0) {
      pathPart = pathPart.substring(0, query);
    }
    pathPart = URLDecoder.decode(pathPart.replace("+", "%2B"), StandardCharsets.UTF_8);
    Path resolved;
    if (pathPart.isEmpty()) {
      resolved = from;
    } else if (pathPart.startsWith("/")) {
      resolved = root.resolve(pathPart.substring(1)).normalize();
    } else {
      resolved = from.getParent().resolve(pathPart).normalize();
    }
    if (!resolved.startsWith(root)) {
      return "points outside the repository";
    }
    if (!Files.exists(resolved)) {
      return "no such file: " + root.relativize(resolved);
    }
    if (anchor == null || anchor.isEmpty()) {
      return null;
    }
    if (!resolved.getFileName().toString().endsWith(".md") || Files.isDirectory(resolved)) {
      return "an anchor on a file that is not Markdown";
    }
    String wanted = URLDecoder.decode(anchor.replace("+", "%2B"), StandardCharsets.UTF_8);
    Set<String> known =
        anchorCache.computeIfAbsent(
            resolved,
            p -> {
              try {
                return anchors(Files.readString(p));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    return known.contains(wanted)
        ? null
        : "no heading with anchor #" + wanted + " in " + root.relativize(resolved);
  }

  /** A link with a scheme ({@code https:}, {@code mailto:}) or protocol-relative: not checked. */
  static boolean isExternal(String target) {
    return SCHEME.matcher(target).find() || target.startsWith("//");
  }

  /** The targets of inline links, images and reference definitions, outside code. */
  static List<String> links(String markdown) {
    String text = CODE_SPAN.matcher(withoutFences(markdown)).replaceAll(" ");
    List<String> targets = new ArrayList<>();
    Matcher m = INLINE_LINK.matcher(text);
    while (m.find()) {
      targets.add(unbracket(m.group(1)));
    }
    Matcher r = REFERENCE_DEFINITION.matcher(text);
    while (r.find()) {
      targets.add(unbracket(r.group(1)));
    }
    return targets;
  }

  /** The anchors GitHub generates for a Markdown file's headings (and explicit HTML anchors). */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    String[] lines = withoutFences(markdown).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String heading = null;
      Matcher atx = ATX_HEADING.matcher(lines[i]);
      if (atx.matches()) {
        heading = atx.group(1) == null ? "" : atx.group(1).replaceAll("\\s+#+$", "");
      } else if (i > 0
          && SETEXT_UNDERLINE.matcher(lines[i]).matches()
          && isParagraph(lines[i - 1])) {
        heading = lines[i - 1].trim();
      }
      if (heading != null) {
        String slug = slug(heading);
        int n = seen.merge(slug, 1, Integer::sum) - 1;
        anchors.add(n == 0 ? slug : slug + "-" + n);
      }
      Matcher html = HTML_ANCHOR.matcher(lines[i]);
      while (html.find()) {
        anchors.add(html.group(1));
      }
    }
    return anchors;
  }

  /**
   * GitHub's anchor for a heading: the rendered text (link text instead of the link), lower case,
   * every character other than letters, digits, '-', '_' and spaces removed, each space turned into
   * '-'.
   */
  static String slug(String heading) {
    String text =
        heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
    return text.toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
        .replace(' ', '-');
  }

  private static boolean isParagraph(String line) {
    String t = line.trim();
    return !t.isEmpty()
        && !t.startsWith("|")
        && !t.startsWith("#")
        && !t.startsWith(">")
        && !t.matches("([-*+]|\\d+[.)])(\\s.*)?");
  }

  /** The text with fenced code blocks blanked out (line count kept). */
  private static String withoutFences(String markdown) {
    StringBuilder out = new StringBuilder();
    String fence = null;
    for (String line : markdown.split("\n", -1)) {
      Matcher f = FENCE.matcher(line);
      if (fence == null && f.find()) {
        fence = f.group(1);
        out.append('\n');
      } else if (fence != null) {
        if (f.find()
            && f.group(1).charAt(0) == fence.charAt(0)
            && f.group(1).length() >= fence.length()
            && line.trim().equals(f.group(1))) {
          fence = null;
        }
        out.append('\n');
      } else {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static String unbracket(String target) {
    return target.startsWith("<") && target.endsWith(">")
        ? target.substring(1, target.length() - 1)
        : target;
  }
}
