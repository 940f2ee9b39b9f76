package io.polku.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.types.StructType;

/**
 * The typed, validated Polku configuration.
 *
 * <p>Precedence, highest first: {@code --set key=value} overrides from the command line, the {@code
 * --conf} file, then {@code reference.conf} in the jar. {@code ${VAR}} substitutions of unset
 * environment variables are errors; {@code ${?VAR}} is optional. A key under {@code polku} that
 * reference.conf does not have is an error naming the closest known key ({@link KnownKeys}). All
 * problems are collected and reported together in one {@link ConfigException}.
 */
public final class PolkuConfig {
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  private static final Set<String> FORMATS = Set.of("csv", "json", "parquet", "orc", "delta");

  /** What to do with a channel outside the vocabulary. */
  public enum UnknownChannel {
    QUARANTINE,
    OTHER
  }

  private final Config config;
  private final String lakeRoot;
  private final String database;
  private final String catalog;
  private final String metastoreUri;
  private final String logsDir;
  private final String sparkMaster;
  private final String sparkAppName;
  private final Map<String, String> sparkConf;
  private final double maxQuarantineShare;
  private final Duration futureTolerance;
  private final java.time.Instant earliestTimestamp;
  private final int maxFieldChars;
  private final int duplicateWindowDays;
  private final List<String> channels;
  private final UnknownChannel unknownChannel;
  private final Map<String, SourceConfig> sources;
  private final IdentityOptions identity;
  private final JourneyOptions journeys;
  private final RootCauseOptions rootCause;
  private final KpiOptions kpis;
  private final FollowupOptions followups;
  private final ProfileOptions profiles;
  private final SurveyOptions surveys;
  private final LockOptions lock;
  private final String haltAfterStage;
  private final boolean reportEnabled;
  private final String hash;

  /**
   * The lake's run lock ({@code polku.lock}): how often the holder rewrites its heartbeat and after
   * how long without one a lock is stale.
   */
  public record LockOptions(Duration heartbeat, Duration staleAfter) {}

  /** Identity stitching settings ({@code polku.identity}). */
  public record IdentityOptions(int maxCustomers, int maxRounds, int checkpointEvery) {}

  /** Session and journey settings ({@code polku.journeys}). */
  public record JourneyOptions(
      Duration sessionGap,
      Duration gap,
      List<String> splitEventTypes,
      List<String> assistedChannels,
      Duration lookback,
      int contextSteps,
      Duration repeatWindow) {}

  /**
   * When a response is critical, for one metric ({@code polku.rootcause.critical.<metric>}): a raw
   * score at least {@code min} (higher is worse, e.g. CES) or at most {@code max} (lower is worse,
   * e.g. CSAT); exactly one of the two is set.
   */
  public record CriticalThreshold(Double min, Double max) {}

  /** Root-cause segment search settings ({@code polku.rootcause}). */
  public record RootCauseOptions(
      int windowDays,
      Map<String, CriticalThreshold> critical,
      double otherMaxNormalised,
      List<String> signals,
      int maxConditions,
      double minSupportShare,
      int minSupport,
      double maxQ,
      int topN,
      int examples,
      int words,
      double wordPrior,
      double driverRegParam,
      double driverElasticNet,
      double driverHoldoutShare,
      long driverSeed,
      int driverMaxIter,
      double maxCoverage,
      Map<String, String> conditions,
      List<Hypothesis> hypotheses,
      String defaultLanguage,
      int maxPrunedPerParent,
      int driverMinSupport,
      int driverTopK,
      double driverMergeJaccard,
      StepConditions steps,
      Map<String, PropertyCondition> properties,
      int driverRefitEveryDays) {
    public RootCauseOptions {
      critical = Map.copyOf(critical);
      properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
      signals = List.copyOf(signals);
      conditions = java.util.Collections.unmodifiableMap(new TreeMap<>(conditions));
      hypotheses = List.copyOf(hypotheses);
    }
  }

  /**
   * The touchpoints of any step as conditions ({@code polku.rootcause.steps}): per rated channel
   * and metric the {@code topK} most frequent {@code step=} and {@code step_pair=} tokens held by
   * at least {@code minResponses} responses and at most {@code maxShare} of the scope's; {@code
   * topK = 0} turns them off. With {@code withEventType} a token is channel:touchpoint:event_type
   * instead of channel:touchpoint.
   */
  public record StepConditions(int topK, int minResponses, double maxShare, boolean withEventType) {
    /** No step conditions. */
    public static final StepConditions OFF = new StepConditions(0, 10, 0.5, false);

    public boolean enabled() {
      return topK > 0;
    }
  }

  /**
   * An event property as a condition ({@code polku.rootcause.properties.<name>}): the value of
   * {@code key} on the last of the response's last steps that carries it (of {@code channel} and
   * {@code eventType} when set). Numeric with {@code edges} (ascending) or {@code quantiles} (that
   * many equal-count buckets, edges from the data), else categorical (its {@code topK} most
   * frequent values per scope, the steps' cap).
   */
  public record PropertyCondition(
      String name,
      String key,
      String channel,
      String eventType,
      List<Double> edges,
      int quantiles) {
    public PropertyCondition {
      edges = List.copyOf(edges);
    }

    public boolean numeric() {
      return !edges.isEmpty() || quantiles > 0;
    }
  }

  /**
   * A condition set an analyst wants tested ({@code polku.rootcause.hypotheses}), whatever the
   * search's minimum support: its conditions (sorted, distinct) and its scope. {@code channel} and
   * {@code metric} are lower case; null means every one where the conditions occur; channel {@code
   * *} (with metric {@code *}) is the cross-channel scope.
   */
  public record Hypothesis(List<String> conditions, String channel, String metric) {
    public Hypothesis {
      conditions = conditions.stream().sorted().distinct().toList();
    }
  }

  /**
   * The problem of a SQL condition ({@code polku.rootcause.conditions.<name>}) that the parser
   * rejects: the key, the expression, the parser's message and the fix. Shared by the check at load
   * and the one at stage start.
   */
  public static String sqlConditionProblem(String name, String expression, String parserMessage) {
    return "polku.rootcause.conditions."
        + name
        + " = \""
        + expression
        + "\" is not a Spark SQL"
        + " expression: "
        + parserMessage
        + "; expected a boolean expression over"
        + " feedback_context's columns, e.g. weekend = \"dayofweek(response_ts) IN (1, 7)\";"
        + " fix the expression";
  }

  /** Experience KPI settings ({@code polku.kpis}). */
  public record KpiOptions(int topPaths, int pathWindowDays, int peakEndWindowDays) {}

  /**
   * A fix to an experience problem ({@code polku.followups.fixes}): the segment it targets (rated
   * channel and metric, '*' for any, and its conditions), the date it went live and a note.
   */
  public record Fix(
      String segment,
      String channel,
      String metric,
      List<String> conditions,
      java.time.LocalDate date,
      String note) {
    public Fix {
      conditions = List.copyOf(conditions);
    }
  }

  /** Close-the-loop follow-up settings ({@code polku.followups}). */
  public record FollowupOptions(
      Map<String, String> teams,
      String defaultTeam,
      Map<String, Integer> valuePoints,
      double severeBadness,
      Map<String, Integer> slaDays,
      List<Fix> fixes,
      int fixWindowDays,
      double fixAlpha,
      int historicalAfterDays) {
    /** The priorities, most urgent first. */
    public static final List<String> PRIORITIES = List.of("P1", "P2", "P3");

    /** The default of {@code polku.followups.historical-after-days}. */
    public static final int DEFAULT_HISTORICAL_AFTER_DAYS = 14;

    public FollowupOptions(
        Map<String, String> teams,
        String defaultTeam,
        Map<String, Integer> valuePoints,
        double severeBadness,
        Map<String, Integer> slaDays,
        List<Fix> fixes,
        int fixWindowDays,
        double fixAlpha) {
      this(
          teams,
          defaultTeam,
          valuePoints,
          severeBadness,
          slaDays,
          fixes,
          fixWindowDays,
          fixAlpha,
          DEFAULT_HISTORICAL_AFTER_DAYS);
    }

    public FollowupOptions {
      teams = Map.copyOf(teams);
      valuePoints = Map.copyOf(valuePoints);
      slaDays = Map.copyOf(slaDays);
      fixes = List.copyOf(fixes);
    }
  }

  private PolkuConfig(Config config, Builder b) {
    this.config = config;
    this.lakeRoot = b.lakeRoot;
    this.database = b.database;
    this.catalog = b.catalog;
    this.metastoreUri = b.metastoreUri;
    this.logsDir = b.logsDir;
    this.sparkMaster = b.sparkMaster;
    this.sparkAppName = b.sparkAppName;
    this.sparkConf = Map.copyOf(b.sparkConf);
    this.maxQuarantineShare = b.maxQuarantineShare;
    this.futureTolerance = b.futureTolerance;
    this.earliestTimestamp = b.earliestTimestamp;
    this.maxFieldChars = b.maxFieldChars;
    this.duplicateWindowDays = b.duplicateWindowDays;
    this.channels = List.copyOf(b.channels);
    this.unknownChannel = b.unknownChannel;
    this.sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.sources));
    this.identity = b.identity;
    this.journeys = b.journeys;
    this.rootCause = b.rootCause;
    this.kpis = b.kpis;
    this.followups = b.followups;
    this.profiles = b.profiles;
    this.surveys = b.surveys;
    this.lock = b.lock;
    this.haltAfterStage = b.haltAfterStage;
    this.reportEnabled = b.reportEnabled;
    // Without polku.erasure: the salt is a secret and changes no table a run writes; nor
    // does polku.report (the report is a file beside the tables).
    this.hash =
        sha256(
            config
                .getConfig("polku")
                .withoutPath("erasure")
                .withoutPath("report")
                .root()
                .render(ConfigRenderOptions.concise()));
  }

  /** Loads a configuration file with command-line overrides on top and reference.conf below. */
  public static PolkuConfig load(Path confFile, Map<String, String> overrides) {
    if (!Files.isRegularFile(confFile)) {
      throw new ConfigException(
          "configuration file "
              + confFile
              + " does not exist; expected"
              + " a HOCON file such as conf/local.conf; pass an existing file with --conf FILE");
    }
    Config file;
    try {
      file =
          ConfigFactory.parseFile(
              confFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(
          "cannot parse "
              + confFile
              + ": "
              + e.getMessage()
              + "; expected valid HOCON; fix the syntax at the line named");
    }
    return fromConfig(file, overrides, confFile.toString());
  }

  /** Builds from an already parsed configuration (tests, notebooks). */
  public static PolkuConfig fromConfig(Config file, Map<String, String> overrides, String origin) {
    Config layered = file;
    if (overrides != null && !overrides.isEmpty()) {
      layered = overrides(overrides).withFallback(file);
    }
    // Misspelled keys first: they explain the defaults that the checks below may complain of.
    List<String> unknown = KnownKeys.unknown(layered);
    Config resolved;
    try {
      resolved =
          layered
              .withFallback(ConfigFactory.defaultReference(PolkuConfig.class.getClassLoader()))
              .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(true));
    } catch (com.typesafe.config.ConfigException.UnresolvedSubstitution e) {
      throw new ConfigException(
          with(
              unknown,
              e.getMessage()
                      .replace(
                          "Could not resolve" + " substitution to a value", "unset substitution")
                  + "; expected the environment variable (or key) to be set; set it, or write"
                  + " ${?VAR} in "
                  + origin
                  + " if it is optional"));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(with(unknown, e.getMessage() + "; fix it in " + origin));
    }
    Builder b = new Builder(resolved);
    b.problems.addAll(unknown);
    b.read();
    if (!b.problems.isEmpty()) {
      throw new ConfigException(b.problems);
    }
    return new PolkuConfig(resolved, b);
  }

  private static List<String> with(List<String> problems, String problem) {
    List<String> all = new ArrayList<>(problems);
    all.add(problem);
    return all;
  }

  /**
   * The {@code --set} overrides as one configuration, later keys winning. A value starting with
   * {@code [}, <code>{</code> or {@code "} is read as HOCON (a list, an object merged into the
   * key's object, a quoted string); any other value is the plain string, as written (paths, URIs,
   * values with '=' or ':' inside).
   */
  static Config overrides(Map<String, String> overrides) {
    Config over = ConfigFactory.empty("command-line --set");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      ConfigValue v;
      if (value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")) {
        try {
          Config parsed =
              ConfigFactory.parseString(
                  "value = " + value,
                  ConfigParseOptions.defaults().setOriginDescription("--set " + key));
          if (!parsed.root().keySet().equals(Set.of("value"))) {
            throw new com.typesafe.config.ConfigException.Generic("more than one value");
          }
          v = parsed.root().get("value");
        } catch (com.typesafe.config.ConfigException x) {
          problems.add(
              "--set "
                  + key
                  + "="
                  + value
                  + " is not a HOCON value: "
                  + x.getMessage()
                  + "; expected a list such as [a, b], an object such as { k = v }, or a quoted"
                  + " string (a value starting with [, { or \" is read as HOCON); fix the value");
          continue;
        }
      } else {
        v = com.typesafe.config.ConfigValueFactory.fromAnyRef(value, "command-line --set");
      }
      try {
        over = v.atPath(key).withFallback(over);
      } catch (com.typesafe.config.ConfigException x) {
        problems.add(
            "--set "
                + key
                + "="
                + value
                + ": "
                + x.getMessage()
                + "; expected a key"
                + " such as polku.lake.root (quote parts that contain dots:"
                + " polku.spark.conf.\"spark.sql.shuffle.partitions\")");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return over;
  }

  public Config raw() {
    return config;
  }

  public String lakeRoot() {
    return lakeRoot;
  }

  public String database() {
    return database;
  }

  public String catalog() {
    return catalog;
  }

  public String metastoreUri() {
    return metastoreUri;
  }

  public String logsDir() {
    return logsDir;
  }

  /** The Spark master URL, or null when spark-submit sets it ({@code polku.spark.master = ""}). */
  public String sparkMaster() {
    return sparkMaster;
  }

  public String sparkAppName() {
    return sparkAppName;
  }

  public Map<String, String> sparkConf() {
    return sparkConf;
  }

  public double maxQuarantineShare() {
    return maxQuarantineShare;
  }

  public Duration futureTolerance() {
    return futureTolerance;
  }

  /** Rows with a timestamp before this instant are quarantined (TIMESTAMP_TOO_OLD). */
  public java.time.Instant earliestTimestamp() {
    return earliestTimestamp;
  }

  /** Rows with a string field longer than this many characters are quarantined. */
  public int maxFieldChars() {
    return maxFieldChars;
  }

  /**
   * Days before and after a run's dates whose existing rows ingest compares incoming ids with
   * ({@code polku.ingest.duplicate-window-days}): an id already written for a date that far away is
   * a duplicate; the check reads only those dates' ids, not the table's history.
   */
  public int duplicateWindowDays() {
    return duplicateWindowDays;
  }

  public List<String> channels() {
    return channels;
  }

  public UnknownChannel unknownChannel() {
    return unknownChannel;
  }

  public Map<String, SourceConfig> sources() {
    return sources;
  }

  public IdentityOptions identity() {
    return identity;
  }

  public JourneyOptions journeys() {
    return journeys;
  }

  public RootCauseOptions rootCause() {
    return rootCause;
  }

  public KpiOptions kpis() {
    return kpis;
  }

  public FollowupOptions followups() {
    return followups;
  }

  public ProfileOptions profiles() {
    return profiles;
  }

  public SurveyOptions surveys() {
    return surveys;
  }

  public LockOptions lock() {
    return lock;
  }

  /** Testing only: the stage after whose commit the process halts, or null. */
  public String haltAfterStage() {
    return haltAfterStage;
  }

  /** {@code polku.report.enabled}: the nightly writes the run report as its last step. */
  public boolean reportEnabled() {
    return reportEnabled;
  }

  /** SHA-256 of the effective configuration, recorded in run_audit. */
  public String hash() {
    return hash;
  }

  /** Resolves a configured location to a URI string: scheme kept, local paths made file: URIs. */
  static String resolveLocation(String value, String baseDir) {
    if (SCHEME.matcher(value).matches()) {
      return value;
    }
    Path p = Path.of(value);
    if (!p.isAbsolute()) {
      if (baseDir == null) {
        return null;
      }
      p = Path.of(baseDir).resolve(p);
    }
    return "file://" + p.normalize().toAbsolutePath();
  }

  static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  /** Reads and validates, collecting every problem instead of stopping at the first. */
  private static final class Builder {
    private final Config c;
    private final List<String> problems = new ArrayList<>();
    private String baseDir;
    private String lakeRoot;
    private String database;
    private String catalog;
    private String metastoreUri;
    private String logsDir;
    private String sparkMaster;
    private String sparkAppName;
    private final Map<String, String> sparkConf = new TreeMap<>();
    private double maxQuarantineShare;
    private Duration futureTolerance;
    private java.time.Instant earliestTimestamp = java.time.Instant.EPOCH;
    private int maxFieldChars = Integer.MAX_VALUE;
    private int duplicateWindowDays = 7;
    private List<String> channels = List.of();
    private UnknownChannel unknownChannel = UnknownChannel.QUARANTINE;
    private final Map<String, SourceConfig> sources = new LinkedHashMap<>();
    private IdentityOptions identity;
    private JourneyOptions journeys;
    private RootCauseOptions rootCause;
    private KpiOptions kpis;
    private FollowupOptions followups;
    private ProfileOptions profiles;
    private SurveyOptions surveys;
    private LockOptions lock;
    private String haltAfterStage;
    private boolean reportEnabled = true;

    Builder(Config c) {
      this.c = c;
    }

    void read() {
      baseDir = optString("polku.base-dir");
      lakeRoot = location("polku.lake.root", true);
      database = string("polku.lake.database");
      if (database != null && !database.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        problems.add(
            "polku.lake.database = '"
                + database
                + "' is not a valid database name;"
                + " expected letters, digits and underscores; use e.g. \"default\" or \"polku\"");
      }
      catalog = string("polku.lake.catalog");
      if (catalog != null && !Set.of("session", "hive", "glue").contains(catalog)) {
        problems.add(
            "polku.lake.catalog = '"
                + catalog
                + "' is not supported; expected session,"
                + " hive or glue; use \"session\" unless you run an external metastore");
      }
      metastoreUri = optString("polku.lake.metastore-uri");
      if ("hive".equals(catalog) && metastoreUri == null) {
        problems.add(
            "polku.lake.metastore-uri is unset while polku.lake.catalog = hive; expected"
                + " a thrift://host:port URI; set it (or POLKU_METASTORE_URI), or use catalog ="
                + " session");
      }
      String logs = optString("polku.logs.dir");
      logsDir = logs == null ? null : stripFileScheme(resolveLocation(logs, baseDir));
      // Blank: the master comes from spark-submit (--master), as on YARN, Kubernetes or a
      // standalone cluster; conf/cluster.conf does this.
      sparkMaster = optString("polku.spark.master");
      sparkAppName = string("polku.spark.app-name");
      if (c.hasPath("polku.spark.conf")) {
        for (Map.Entry<String, ConfigValue> e : c.getConfig("polku.spark.conf").entrySet()) {
          String key = String.join(".", ConfigUtil.splitPath(e.getKey()));
          sparkConf.put(key, String.valueOf(e.getValue().unwrapped()));
        }
      }
      String tz = sparkConf.get("spark.sql.session.timeZone");
      if (!"UTC".equals(tz)) {
        problems.add(
            "polku.spark.conf.\"spark.sql.session.timeZone\" = "
                + quote(tz)
                + ";"
                + " expected UTC: all timestamps and partition dates are UTC internally; remove the"
                + " setting (reference.conf sets UTC)");
      }
      maxQuarantineShare = share("polku.ingest.max-quarantine-share");
      try {
        futureTolerance = c.getDuration("polku.ingest.future-tolerance");
        if (futureTolerance.isNegative()) {
          problems.add(
              "polku.ingest.future-tolerance = "
                  + futureTolerance
                  + " is negative;"
                  + " expected a duration >= 0 such as 1d or 6h; set a non-negative duration");
        }
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(
            "polku.ingest.future-tolerance: "
                + e.getMessage()
                + "; expected a duration such as 1d or 6h");
      }
      String earliest = string("polku.ingest.earliest-timestamp");
      if (earliest != null) {
        try {
          earliestTimestamp = java.time.Instant.parse(earliest);
        } catch (java.time.format.DateTimeParseException e) {
          problems.add(
              "polku.ingest.earliest-timestamp = '"
                  + earliest
                  + "' is not an ISO-8601"
                  + " UTC instant; expected e.g. \"2000-01-01T00:00:00Z\"; fix the value");
        }
      }
      maxFieldChars = positiveInt("polku.ingest.max-field-chars");
      duplicateWindowDays = positiveInt("polku.ingest.duplicate-window-days");
      try {
        channels =
            c.getStringList("polku.ingest.channels").stream()
                .map(s -> s.toLowerCase(Locale.ROOT))
                .toList();
        if (channels.isEmpty()) {
          problems.add(
              "polku.ingest.channels is empty; expected the channel vocabulary, e.g."
                  + " [web, app, email, shop, portal, phone, chat, store, other]");
        }
      } catch (com.typesafe.config.ConfigException e) {
        problems.add("polku.ingest.channels: " + e.getMessage() + "; expected a list of names");
      }
      String unknown = string("polku.ingest.unknown-channel");
      if (unknown != null) {
        try {
          unknownChannel = UnknownChannel.valueOf(unknown.toUpperCase(Locale.ROOT));
          if (unknownChannel == UnknownChannel.OTHER && !channels.contains("other")) {
            problems.add(
                "polku.ingest.unknown-channel = other, but 'other' is not in"
                    + " polku.ingest.channels "
                    + channels
                    + "; add other to the vocabulary");
          }
        } catch (IllegalArgumentException e) {
          problems.add(
              "polku.ingest.unknown-channel = '"
                  + unknown
                  + "' is not supported;"
                  + " expected quarantine or other");
        }
      }
      identity =
          new IdentityOptions(
              atLeast(IdentityKeys.MAX_CUSTOMERS),
              atLeast(IdentityKeys.MAX_ROUNDS),
              atLeast(IdentityKeys.CHECKPOINT_EVERY));
      journeys =
          new JourneyOptions(
              positiveDuration(JourneyKeys.SESSION_GAP.key()),
              positiveDuration(JourneyKeys.GAP.key()),
              stringList(JourneyKeys.SPLIT_EVENT_TYPES.key()),
              stringList(JourneyKeys.ASSISTED_CHANNELS.key()),
              positiveDuration(JourneyKeys.LOOKBACK.key()),
              atLeast(JourneyKeys.CONTEXT_STEPS),
              positiveDuration(JourneyKeys.REPEAT_WINDOW.key()));
      rootCause = readRootCause();
      kpis =
          new KpiOptions(
              atLeast(KpiKeys.TOP_PATHS),
              atLeast(KpiKeys.PATH_WINDOW_DAYS),
              atLeast(KpiKeys.PEAK_END_WINDOW_DAYS));
      followups = readFollowups();
      profiles = ProfileOptions.read(c, problems);
      surveys = SurveyOptions.read(c, problems);
      lock =
          new LockOptions(
              positiveDuration("polku.lock.heartbeat"), positiveDuration("polku.lock.stale-after"));
      if (lock.staleAfter().compareTo(lock.heartbeat().multipliedBy(3)) < 0) {
        problems.add(
            "polku.lock.stale-after = "
                + lock.staleAfter()
                + " is less than 3 x"
                + " polku.lock.heartbeat ("
                + lock.heartbeat()
                + "); a live run would look dead"
                + " after one slow heartbeat; set stale-after to at least 3 x heartbeat (default 10m"
                + " and 30s)");
      }
      haltAfterStage = optString("polku.debug.halt-after-stage");
      try {
        reportEnabled = c.getBoolean("polku.report.enabled");
      } catch (com.typesafe.config.ConfigException e) {
        problems.add("polku.report.enabled: " + e.getMessage() + "; expected true or false");
      }
      if (c.hasPath("polku.sources")) {
        for (String name : new java.util.TreeSet<>(c.getObject("polku.sources").keySet())) {
          readSource(name);
        }
      }
    }

    private void readSource(String name) {
      String key = "polku.sources." + name;
      if (!name.matches("[a-z][a-z0-9_]*")) {
        problems.add(
            key
                + ": source name '"
                + name
                + "' is not valid; expected lower-case"
                + " letters, digits and underscores; rename the source");
        return;
      }
      if (c.getValue(key).valueType() != ConfigValueType.OBJECT) {
        problems.add(
            key
                + " is a "
                + c.getValue(key).valueType()
                + "; expected an object with"
                + " kind, format, paths, schema and columns");
        return;
      }
      Config s = c.getConfig(key);
      if (s.hasPath("enabled") && !s.getBoolean("enabled")) {
        return;
      }
      int before = problems.size();
      String kindValue = s.hasPath("kind") ? s.getString("kind") : null;
      SourceKind kind = kindValue == null ? null : SourceKind.parse(kindValue);
      if (kind == null) {
        problems.add(
            key
                + ".kind = "
                + quote(kindValue)
                + " is not a source kind; expected one"
                + " of events, feedback, identity_links, customers");
      }
      String format = s.hasPath("format") ? s.getString("format").toLowerCase(Locale.ROOT) : null;
      if (format == null || !FORMATS.contains(format)) {
        problems.add(
            key
                + ".format = "
                + quote(format)
                + " is not supported; expected one of"
                + " csv, json, parquet, orc, delta");
      }
      List<String> paths = new ArrayList<>();
      if (!s.hasPath("paths")
          || s.getValue("paths").valueType() != ConfigValueType.LIST
          || s.getStringList("paths").isEmpty()) {
        problems.add(
            key
                + ".paths is missing or empty; expected a list of paths or URIs (globs"
                + " allowed), e.g. [\"data-samples/raw/web/*.jsonl\"]");
      } else {
        for (String p : s.getStringList("paths")) {
          String resolved = resolveLocation(p, baseDir);
          if (resolved == null) {
            problems.add(
                key
                    + ".paths: '"
                    + p
                    + "' is a relative path but polku.base-dir is"
                    + " unset; expected an absolute path or URI; set POLKU_HOME (bin/polku does)"
                    + " or polku.base-dir");
          } else {
            paths.add(resolved);
          }
        }
      }
      Map<String, String> options = new TreeMap<>();
      if (s.hasPath("options")) {
        for (Map.Entry<String, ConfigValue> e : s.getConfig("options").entrySet()) {
          options.put(
              String.join(".", ConfigUtil.splitPath(e.getKey())),
              String.valueOf(e.getValue().unwrapped()));
        }
      }
      String encoding = s.hasPath("encoding") ? s.getString("encoding").trim() : "UTF-8";
      if (options.keySet().stream()
          .anyMatch(o -> o.equalsIgnoreCase("encoding") || o.equalsIgnoreCase("charset"))) {
        problems.add(
            key
                + ".options sets the reader's encoding; expected it at "
                + key
                + ".encoding, which Polku checks rows against; move it there");
      }
      try {
        encoding = java.nio.charset.Charset.forName(encoding).name();
      } catch (RuntimeException e) {
        problems.add(
            key
                + ".encoding = '"
                + encoding
                + "' is not a character set this JVM"
                + " knows; expected e.g. \"UTF-8\", \"ISO-8859-1\" or \"windows-1252\"; fix the"
                + " value");
      }
      StructType schema = null;
      String ddl = s.hasPath("schema") ? s.getString("schema") : null;
      if (ddl == null || ddl.isBlank()) {
        problems.add(
            key
                + ".schema is missing; expected the source's columns as a DDL string,"
                + " e.g. \"id STRING, ts STRING, score INT\" (schemas are never inferred)");
      } else {
        try {
          schema = StructType.fromDDL(ddl);
        } catch (RuntimeException e) {
          problems.add(
              key
                  + ".schema = \""
                  + ddl
                  + "\" does not parse: "
                  + firstLine(e)
                  + "; expected a DDL string such as \"id STRING, ts STRING\"");
        }
      }
      boolean snapshot = false;
      if (s.hasPath("snapshot")) {
        try {
          snapshot = s.getBoolean("snapshot");
        } catch (RuntimeException e) {
          problems.add(
              key
                  + ".snapshot = "
                  + s.getValue("snapshot").render()
                  + " is not a"
                  + " boolean; expected true (the source is a snapshot read whole every run) or"
                  + " false; fix the value");
        }
      }
      if (snapshot
          && kind != null
          && kind != SourceKind.IDENTITY_LINKS
          && kind != SourceKind.CUSTOMERS) {
        problems.add(
            key
                + ".snapshot = true on a source of kind "
                + kind.configName()
                + ";"
                + " expected snapshot only on identity_links or customers sources (events and"
                + " feedback are dated by their "
                + kind.timestampColumn()
                + "); remove"
                + " snapshot = true from "
                + key);
      }
      Map<String, String> columns = new LinkedHashMap<>();
      if (!s.hasPath("columns")) {
        problems.add(
            key
                + ".columns is missing; expected one Spark SQL expression per"
                + " canonical column");
      } else if (kind != null) {
        Config cols = s.getConfig("columns");
        List<String> allowed = kind.table().columnNames();
        for (String column : new java.util.TreeSet<>(cols.root().keySet())) {
          String expr = cols.getValue(ConfigUtil.quoteString(column)).unwrapped().toString();
          if (!allowed.contains(column)) {
            problems.add(
                key
                    + ".columns."
                    + column
                    + " is not a column of the "
                    + kind.table().name()
                    + " table; expected one of "
                    + allowed
                    + "; remove or rename it");
          } else if (snapshot && column.equals(kind.timestampColumn())) {
            problems.add(
                key
                    + ".columns."
                    + column
                    + " = \""
                    + expr
                    + "\" is mapped on a"
                    + " snapshot source; expected no time column on a snapshot (Polku sets "
                    + column
                    + " to the first run that saw the row); remove the mapping, or"
                    + " remove snapshot = true if the source's rows carry their own time");
          } else if (kind.derivedColumns().contains(column)) {
            problems.add(
                key
                    + ".columns."
                    + column
                    + " is filled by Polku; remove it from the"
                    + " mapping");
          } else if (parses(expr, key + ".columns." + column)) {
            columns.put(column, expr);
          }
        }
        for (String required : kind.requiredMappings()) {
          if (snapshot && required.equals(kind.timestampColumn())) {
            continue;
          }
          if (!cols.root().containsKey(required)) {
            problems.add(
                key
                    + ".columns."
                    + required
                    + " is missing; expected a Spark SQL"
                    + " expression for this required "
                    + kind.table().name()
                    + " column");
          }
        }
      }
      Map<String, String> channelMap = new TreeMap<>();
      if (s.hasPath("channel-map")) {
        for (Map.Entry<String, ConfigValue> e : s.getConfig("channel-map").entrySet()) {
          String raw = String.join(".", ConfigUtil.splitPath(e.getKey())).toLowerCase(Locale.ROOT);
          String canonical = String.valueOf(e.getValue().unwrapped()).toLowerCase(Locale.ROOT);
          if (!channels.isEmpty() && !channels.contains(canonical)) {
            problems.add(
                key
                    + ".channel-map."
                    + raw
                    + " = "
                    + canonical
                    + " is not in the"
                    + " channel vocabulary "
                    + channels
                    + "; map it to one of them or add it to"
                    + " polku.ingest.channels");
          }
          channelMap.put(raw, canonical);
        }
      }
      double share =
          s.hasPath("max-quarantine-share")
              ? shareOf(s, "max-quarantine-share", key + ".max-quarantine-share")
              : maxQuarantineShare;
      java.util.regex.Pattern fileDate = null;
      if (s.hasPath("file-date-pattern")) {
        String regex = s.getString("file-date-pattern");
        try {
          fileDate = java.util.regex.Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
          problems.add(
              key
                  + ".file-date-pattern = \""
                  + regex
                  + "\" is not a regular"
                  + " expression ("
                  + e.getDescription()
                  + "); expected one whose first group"
                  + " captures the file's date as yyyy-MM-dd or yyyyMMdd, e.g."
                  + " \"clickstream-(\\\\d{4}-\\\\d{2}-\\\\d{2})\"; fix the value");
        }
        if (snapshot) {
          problems.add(
              key
                  + ".file-date-pattern = \""
                  + regex
                  + "\" is set on a snapshot"
                  + " source; expected none: a snapshot is read whole every run; remove"
                  + " file-date-pattern, or remove snapshot = true if the files are daily"
                  + " extracts with a time column");
        }
        if ("delta".equals(format)) {
          problems.add(
              key
                  + ".file-date-pattern is set on a delta source; expected it only on"
                  + " file sources (csv, json, parquet, orc), whose files are selected by name;"
                  + " remove it (a Delta source is filtered by its data, not its files)");
        }
      }
      int margin = 1;
      if (s.hasPath("file-date-margin-days")) {
        try {
          margin = s.getInt("file-date-margin-days");
        } catch (RuntimeException e) {
          margin = -1;
        }
        if (margin < 0 || margin > 366) {
          problems.add(
              key
                  + ".file-date-margin-days = "
                  + s.getValue("file-date-margin-days").render()
                  + " is not a whole number of days"
                  + " from 0 to 366; expected e.g. 1 (a file dated one day before or after the"
                  + " run's dates may hold its rows); fix the value");
        }
      }
      if (problems.size() == before) {
        sources.put(
            name,
            new SourceConfig(
                name,
                kind,
                format,
                paths,
                options,
                encoding,
                schema,
                ddl,
                columns,
                channelMap,
                share,
                fileDate,
                margin,
                snapshot));
      }
    }

    private RootCauseOptions readRootCause() {
      String k = "polku.rootcause.";
      Map<String, CriticalThreshold> critical = new TreeMap<>();
      if (c.hasPath(k + "critical")) {
        for (String metric : new java.util.TreeSet<>(c.getObject(k + "critical").keySet())) {
          String key = k + "critical." + ConfigUtil.quoteString(metric);
          String shown = k + "critical." + metric;
          if (c.getValue(key).valueType() != ConfigValueType.OBJECT) {
            problems.add(
                shown
                    + " is a "
                    + c.getValue(key).valueType()
                    + "; expected { min = X }"
                    + " (a score >= X is critical) or { max = X } (a score <= X is critical)");
            continue;
          }
          Config t = c.getConfig(key);
          Double min = t.hasPath("min") ? number(t, "min", shown + ".min") : null;
          Double max = t.hasPath("max") ? number(t, "max", shown + ".max") : null;
          if ((min == null) == (max == null)) {
            problems.add(
                shown
                    + " has "
                    + (min == null ? "neither min nor max" : "both min and" + " max")
                    + "; expected exactly one: { min = X } when a high score is bad (CES),"
                    + " { max = X } when a low score is bad (CSAT, NPS)");
            continue;
          }
          critical.put(metric.toLowerCase(Locale.ROOT), new CriticalThreshold(min, max));
        }
      }
      double other = share(k + "other-metrics-max-normalised");
      List<String> signals;
      try {
        signals = c.getStringList(k + "signals");
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(
            k
                + "signals: "
                + e.getMessage()
                + "; expected a list of class names, e.g."
                + " [\"io.polku.rootcause.signals.IvrQueueTransfersSignal\"]");
        signals = List.of();
      }
      int maxConditions = positiveInt(k + "max-conditions");
      if (maxConditions > 3) {
        problems.add(
            k
                + "max-conditions = "
                + maxConditions
                + " is more than 3; expected 1, 2"
                + " or 3 (longer conjunctions are rarely actionable and multiply the candidates)");
      }
      double minShare = share(k + "min-support-share");
      int minSupport = positiveInt(k + "min-support");
      double maxQ = share(k + "max-q");
      if (maxQ == 0) {
        problems.add(
            k + "max-q = 0 keeps nothing; expected a false-discovery rate such as" + " 0.05");
      }
      double holdout = share(k + "drivers.holdout-share");
      if (holdout <= 0 || holdout >= 1) {
        problems.add(
            k
                + "drivers.holdout-share = "
                + holdout
                + " must be strictly between 0"
                + " and 1; expected e.g. 0.25");
      }
      double prior = 0;
      try {
        prior = c.getDouble(k + "word-prior");
        if (!(prior > 0)) {
          problems.add(k + "word-prior = " + prior + " must be positive; expected e.g. 100");
        }
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(k + "word-prior: " + e.getMessage() + "; expected a positive number");
      }
      double reg = nonNegative(k + "drivers.reg-param");
      double elastic = share(k + "drivers.elastic-net");
      long seed = 0;
      try {
        seed = c.getLong(k + "drivers.seed");
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(k + "drivers.seed: " + e.getMessage() + "; expected a whole number");
      }
      double mergeJaccard = share(k + "drivers.merge-jaccard");
      if (mergeJaccard == 0) {
        problems.add(
            k
                + "drivers.merge-jaccard = 0 would merge every group into one; expected"
                + " a similarity in (0, 1] such as 0.7 (1 merges only identical sets)");
      }
      // Unset (null): the segments' min-support.
      int driverMinSupport =
          c.hasPath(k + "drivers.min-support")
              ? positiveInt(k + "drivers.min-support")
              : minSupport;
      double maxCoverage = share(k + "max-coverage");
      if (maxCoverage == 0) {
        problems.add(
            k
                + "max-coverage = 0 keeps no segment; expected the largest share of a"
                + " scope's responses a segment may hold, such as 0.8");
      }
      Map<String, String> conditions = readConditions(k + "conditions");
      List<Hypothesis> hypotheses = readHypotheses(k + "hypotheses", conditions.keySet());
      String language = string(k + "default-language");
      if (language != null && io.polku.text.StopWordLanguages.of(language) == null) {
        problems.add(
            k
                + "default-language = \""
                + language
                + "\" has no stop-word list;"
                + " expected an ISO 639 code or English name of one of Spark's languages: da, de,"
                + " en, es, fi, fr, hu, it, nl, no, pt, ru, sv, tr");
      }
      return new RootCauseOptions(
          positiveInt(k + "window-days"),
          critical,
          other,
          signals,
          maxConditions,
          minShare,
          minSupport,
          maxQ,
          positiveInt(k + "top-n"),
          positiveInt(k + "examples"),
          positiveInt(k + "words"),
          prior,
          reg,
          elastic,
          holdout,
          seed,
          positiveInt(k + "drivers.max-iter"),
          maxCoverage,
          conditions,
          hypotheses,
          language == null ? "en" : language.trim().toLowerCase(Locale.ROOT),
          positiveInt(k + "max-pruned-per-parent"),
          driverMinSupport,
          positiveInt(k + "drivers.top-k"),
          mergeJaccard,
          readSteps(k + "steps.", minSupport),
          readProperties(k + "properties"),
          positiveInt(k + "drivers.refit-every-days"));
    }

    /** {@code polku.rootcause.steps}: the vocabulary cap of the step conditions. */
    private StepConditions readSteps(String k, int minSupport) {
      int topK = 0;
      try {
        topK = c.getInt(k + "top-k");
        if (topK < 0) {
          problems.add(
              k
                  + "top-k = "
                  + topK
                  + " is negative; expected 0 (off) or the number of"
                  + " most frequent touchpoints kept per rated channel and metric, e.g. 30");
        }
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(k + "top-k: " + e.getMessage() + "; expected a whole number >= 0");
      }
      int min = c.hasPath(k + "min-responses") ? positiveInt(k + "min-responses") : minSupport;
      double maxShare = share(k + "max-share");
      if (maxShare == 0) {
        problems.add(
            k
                + "max-share = 0 keeps no touchpoint; expected the largest share of a"
                + " scope's responses a touchpoint may hold, such as 0.5");
      }
      boolean withType = false;
      try {
        withType = c.getBoolean(k + "with-event-type");
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(k + "with-event-type: " + e.getMessage() + "; expected true or false");
      }
      return new StepConditions(Math.max(0, topK), min, maxShare, withType);
    }

    /**
     * {@code polku.rootcause.properties}: name -> { key, channel, event-type, edges, quantiles }.
     */
    private Map<String, PropertyCondition> readProperties(String key) {
      Map<String, PropertyCondition> out = new TreeMap<>();
      if (!c.hasPath(key)) {
        return out;
      }
      if (c.getValue(key).valueType() != ConfigValueType.OBJECT) {
        problems.add(
            key
                + " is a "
                + c.getValue(key).valueType()
                + "; expected an object of"
                + " name = { key = ..., channel = ..., edges = [...] }, e.g. { basket_items ="
                + " { key = items, channel = shop, edges = [2, 4] } }");
        return out;
      }
      for (String name : new java.util.TreeSet<>(c.getObject(key).keySet())) {
        String shown = key + "." + name;
        String path = key + "." + ConfigUtil.quoteString(name);
        if (!name.matches("[A-Za-z0-9_]+")) {
          problems.add(
              shown
                  + ": the name '"
                  + name
                  + "' is not a word; expected letters,"
                  + " digits and '_' (it becomes the condition prop."
                  + name
                  + "=...)");
          continue;
        }
        if (c.getValue(path).valueType() != ConfigValueType.OBJECT) {
          problems.add(
              shown
                  + " is a "
                  + c.getValue(path).valueType()
                  + "; expected"
                  + " { key = \"items\", channel = shop, edges = [2, 4] }");
          continue;
        }
        Config p = c.getConfig(path);
        String prop = p.hasPath("key") ? p.getString("key") : name;
        String channel =
            p.hasPath("channel") ? p.getString("channel").toLowerCase(Locale.ROOT) : null;
        String type = p.hasPath("event-type") ? p.getString("event-type") : null;
        List<Double> edges = List.of();
        if (p.hasPath("edges")) {
          try {
            edges = p.getDoubleList("edges");
          } catch (com.typesafe.config.ConfigException e) {
            problems.add(
                shown
                    + ".edges: "
                    + e.getMessage()
                    + "; expected ascending numbers,"
                    + " e.g. [2, 4]");
            continue;
          }
          for (int i = 1; i < edges.size(); i++) {
            if (!(edges.get(i) > edges.get(i - 1))) {
              problems.add(
                  shown
                      + ".edges = "
                      + edges
                      + " is not strictly ascending; expected"
                      + " e.g. [2, 4] (buckets <2, 2-<4, 4+)");
              break;
            }
          }
        }
        int quantiles = 0;
        if (p.hasPath("quantiles")) {
          quantiles = p.getInt("quantiles");
          if (quantiles < 2 || quantiles > 20) {
            problems.add(
                shown
                    + ".quantiles = "
                    + quantiles
                    + " is outside 2..20; expected"
                    + " the number of equal-count buckets, e.g. 4");
          }
          if (!edges.isEmpty()) {
            problems.add(
                shown
                    + " has both edges and quantiles; expected one of them (or"
                    + " neither: a categorical property)");
          }
        }
        out.put(name, new PropertyCondition(name, prop, channel, type, edges, quantiles));
      }
      return out;
    }

    /**
     * {@code polku.rootcause.conditions}: name -> Spark SQL boolean expression. Each is parsed now,
     * by the active Spark session's parser when there is one (else by Spark's session-independent
     * parser), and again with its columns resolved at stage start.
     */
    private Map<String, String> readConditions(String key) {
      Map<String, String> out = new TreeMap<>();
      if (!c.hasPath(key)) {
        return out;
      }
      if (c.getValue(key).valueType() != ConfigValueType.OBJECT) {
        problems.add(
            key
                + " is a "
                + c.getValue(key).valueType()
                + "; expected an object of"
                + " name = \"Spark SQL boolean expression\", e.g. { weekend ="
                + " \"dayofweek(response_ts) IN (1, 7)\" }");
        return out;
      }
      org.apache.spark.sql.catalyst.parser.ParserInterface parser = sqlParser();
      for (Map.Entry<String, ConfigValue> e : new TreeMap<>(c.getObject(key)).entrySet()) {
        String name = e.getKey();
        String shown = key + "." + ConfigUtil.joinPath(name);
        Object value = e.getValue().unwrapped();
        if (!name.matches("[a-z][a-z0-9_]*")) {
          problems.add(
              shown
                  + ": the name '"
                  + name
                  + "' is not valid; expected lower-case"
                  + " letters, digits and underscores (it becomes the condition sql:<name>);"
                  + " rename it");
        } else if (!(value instanceof String expr) || expr.isBlank()) {
          problems.add(
              shown
                  + " = "
                  + value
                  + " is not an expression; expected a Spark SQL"
                  + " boolean expression in quotes, e.g. "
                  + name
                  + " = \"dayofweek(response_ts)"
                  + " IN (1, 7)\"");
        } else {
          try {
            parser.parseExpression(expr);
            out.put(name, expr);
          } catch (Exception ex) { // ParseException is checked in Java's eyes
            problems.add(sqlConditionProblem(name, expr, firstLine(ex)));
          }
        }
      }
      return out;
    }

    /** The active session's SQL parser, or Spark's parser that needs no session. */
    private static org.apache.spark.sql.catalyst.parser.ParserInterface sqlParser() {
      scala.Option<org.apache.spark.sql.SparkSession> active =
          org.apache.spark.sql.SparkSession.getActiveSession();
      return active.isDefined()
          ? active.get().sessionState().sqlParser()
          : CatalystSqlParser$.MODULE$;
    }

    /**
     * {@code polku.rootcause.hypotheses}: each a condition string (several joined with '&'), a list
     * of condition strings, or { conditions, channel, metric }.
     */
    private List<Hypothesis> readHypotheses(String key, Set<String> sqlNames) {
      List<Hypothesis> out = new ArrayList<>();
      if (!c.hasPath(key)) {
        return out;
      }
      String expected =
          "expected a list whose elements are a condition (\"sql:weekend\"),"
              + " a list of conditions ([\"upstream_failure_channel=app\", \"sql:weekend\"]) or"
              + " { conditions = [...], channel = phone, metric = csat } (channel and metric"
              + " optional)";
      if (c.getValue(key).valueType() != ConfigValueType.LIST) {
        problems.add(key + " is a " + c.getValue(key).valueType() + "; " + expected);
        return out;
      }
      com.typesafe.config.ConfigList list = c.getList(key);
      for (int i = 0; i < list.size(); i++) {
        Hypothesis h = readHypothesis(key + "[" + i + "]", list.get(i), sqlNames, expected);
        if (h != null) {
          out.add(h);
        }
      }
      return out;
    }

    private Hypothesis readHypothesis(
        String shown, ConfigValue v, Set<String> sqlNames, String expected) {
      int before = problems.size();
      List<String> conditions = null;
      String channel = null;
      String metric = null;
      switch (v.valueType()) {
        case STRING, LIST -> conditions = conditionStrings(shown, v, expected);
        case OBJECT -> {
          com.typesafe.config.ConfigObject o = (com.typesafe.config.ConfigObject) v;
          for (String field : new java.util.TreeSet<>(o.keySet())) {
            if (!Set.of("conditions", "channel", "metric").contains(field)) {
              problems.add(
                  shown
                      + "."
                      + ConfigUtil.joinPath(field)
                      + " is not a key of a"
                      + " hypothesis; expected conditions, channel and metric; remove it or fix"
                      + " its name");
            }
          }
          if (o.get("conditions") == null) {
            problems.add(shown + ".conditions is unset; " + expected);
          } else {
            conditions = conditionStrings(shown + ".conditions", o.get("conditions"), expected);
          }
          channel = scopePart(shown + ".channel", o.get("channel"));
          metric = scopePart(shown + ".metric", o.get("metric"));
          if (channel != null
              && !"*".equals(channel)
              && !channels.isEmpty()
              && !channels.contains(channel)) {
            problems.add(
                shown
                    + ".channel = "
                    + channel
                    + " is not in polku.ingest.channels "
                    + channels
                    + "; expected one of them, or * for the cross-channel scope; fix"
                    + " the channel");
          }
          if ("*".equals(channel) && metric != null && !"*".equals(metric)) {
            problems.add(
                shown
                    + ": channel * with metric "
                    + metric
                    + "; the cross-channel"
                    + " scope mixes every metric; expected metric * or no metric, or a channel");
          } else if ("*".equals(metric) && channel != null && !"*".equals(channel)) {
            problems.add(
                shown
                    + ": metric * with channel "
                    + channel
                    + "; a channel is"
                    + " searched per metric; expected a metric such as csat, or no metric (every"
                    + " metric of the channel)");
          }
          if ("*".equals(channel) || "*".equals(metric)) {
            channel = "*";
            metric = "*";
          }
        }
        default -> problems.add(shown + " is a " + v.valueType() + "; " + expected);
      }
      if (conditions != null) {
        if (conditions.isEmpty()) {
          problems.add(shown + " has no conditions; " + expected);
        }
        for (String condition : conditions) {
          if (condition.startsWith("sql:")
              && !sqlNames.contains(condition.substring("sql:".length()))) {
            problems.add(
                shown
                    + ": "
                    + condition
                    + " is not defined in"
                    + " polku.rootcause.conditions (defined: "
                    + sqlNames
                    + "); define it there or"
                    + " fix the name");
          }
        }
      }
      return problems.size() == before && conditions != null
          ? new Hypothesis(conditions, channel, metric)
          : null;
    }

    /** A string (conditions joined with '&') or a list of strings, trimmed. */
    private List<String> conditionStrings(String shown, ConfigValue v, String expected) {
      List<String> out = new ArrayList<>();
      if (v.valueType() == ConfigValueType.STRING) {
        for (String part : ((String) v.unwrapped()).split("&")) {
          if (!part.isBlank()) {
            out.add(part.strip());
          }
        }
        return out;
      }
      if (v.valueType() == ConfigValueType.LIST) {
        com.typesafe.config.ConfigList list = (com.typesafe.config.ConfigList) v;
        for (int i = 0; i < list.size(); i++) {
          ConfigValue e = list.get(i);
          if (e.valueType() != ConfigValueType.STRING || ((String) e.unwrapped()).isBlank()) {
            problems.add(
                shown
                    + "["
                    + i
                    + "] = "
                    + e.unwrapped()
                    + " is not a condition;"
                    + " expected a condition string such as \"prev_channel=app\"");
          } else {
            out.add(((String) e.unwrapped()).strip());
          }
        }
        return out;
      }
      problems.add(shown + " is a " + v.valueType() + "; " + expected);
      return null;
    }

    /** A hypothesis' channel or metric, lower case; null when unset. */
    private String scopePart(String shown, ConfigValue v) {
      if (v == null || v.valueType() == ConfigValueType.NULL) {
        return null;
      }
      if (v.valueType() != ConfigValueType.STRING || ((String) v.unwrapped()).isBlank()) {
        problems.add(
            shown
                + " = "
                + v.unwrapped()
                + " is not a name; expected e.g. phone"
                + " (channel) or csat (metric), * for the cross-channel scope, or leave it out");
        return null;
      }
      return ((String) v.unwrapped()).strip().toLowerCase(Locale.ROOT);
    }

    private FollowupOptions readFollowups() {
      String k = "polku.followups.";
      Map<String, String> teams = new TreeMap<>();
      if (c.hasPath(k + "teams")) {
        for (Map.Entry<String, ConfigValue> e : c.getObject(k + "teams").entrySet()) {
          String route = e.getKey().toLowerCase(Locale.ROOT);
          String shown = k + "teams.\"" + e.getKey() + "\"";
          Object team = e.getValue().unwrapped();
          String channel = route.contains("/") ? route.substring(0, route.indexOf('/')) : route;
          if (!(team instanceof String t) || t.isBlank()) {
            problems.add(
                shown
                    + " = "
                    + team
                    + " is not a team name; expected a string such"
                    + " as \"contact-centre\"; set the owning team's name");
          } else if (!channels.isEmpty() && !channels.contains(channel)) {
            problems.add(
                shown
                    + ": channel '"
                    + channel
                    + "' is not in polku.ingest.channels "
                    + channels
                    + "; expected \"channel\" or \"channel/touchpoint\"; fix the"
                    + " channel name");
          } else {
            teams.put(route, t);
          }
        }
      }
      String defaultTeam = string(k + "default-team");
      Map<String, Integer> valuePoints = new TreeMap<>();
      if (c.hasPath(k + "value-points")) {
        for (Map.Entry<String, ConfigValue> e : c.getObject(k + "value-points").entrySet()) {
          Object v = e.getValue().unwrapped();
          if (!(v instanceof Integer i) || i < 0 || i > 2) {
            problems.add(
                k
                    + "value-points."
                    + e.getKey()
                    + " = "
                    + v
                    + " is not 0, 1 or 2;"
                    + " expected the points a value tier adds to the priority; set 0, 1 or 2");
          } else {
            valuePoints.put(e.getKey().toLowerCase(Locale.ROOT), i);
          }
        }
      }
      double severe = share(k + "severe-badness");
      Map<String, Integer> sla = new TreeMap<>();
      for (String priority : FollowupOptions.PRIORITIES) {
        String key = k + "sla-days." + priority;
        if (!c.hasPath(key)) {
          problems.add(
              key
                  + " is unset; expected the days to act on a "
                  + priority
                  + " follow-up, e.g. "
                  + key
                  + " = 2; set it");
        } else {
          sla.put(priority, positiveInt(key));
        }
      }
      if (sla.size() == 3 && (sla.get("P1") > sla.get("P2") || sla.get("P2") > sla.get("P3"))) {
        problems.add(
            k
                + "sla-days = "
                + sla
                + " is not ordered; expected P1 <= P2 <= P3 (P1 is"
                + " the most urgent); reorder the values");
      }
      List<Fix> fixes = new ArrayList<>();
      List<? extends com.typesafe.config.ConfigObject> list;
      try {
        list = c.getObjectList(k + "fixes");
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(
            k
                + "fixes: "
                + e.getMessage()
                + "; expected a list of { segment = \"..\","
                + " date = \"YYYY-MM-DD\", note = \"..\" }");
        list = List.of();
      }
      for (int i = 0; i < list.size(); i++) {
        Fix f = readFix(k + "fixes[" + i + "]", list.get(i).toConfig());
        if (f != null) {
          fixes.add(f);
        }
      }
      int window = positiveInt(k + "fix-window-days");
      double alpha = share(k + "fix-alpha");
      if (alpha == 0) {
        problems.add(
            k
                + "fix-alpha = 0 never detects a change; expected a significance level"
                + " such as 0.05");
      }
      int historical = positiveInt(k + "historical-after-days");
      return new FollowupOptions(
          teams, defaultTeam, valuePoints, severe, sla, fixes, window, alpha, historical);
    }

    private Fix readFix(String key, Config f) {
      String segment = f.hasPath("segment") ? f.getString("segment").trim() : "";
      String dateText = f.hasPath("date") ? f.getString("date").trim() : "";
      String note = f.hasPath("note") ? f.getString("note") : "";
      boolean ok = true;
      String channel = "*";
      String metric = "*";
      String conditionText = segment;
      if (segment.isEmpty()) {
        problems.add(
            key
                + ".segment is unset; expected a root_cause_segments.segment_id such"
                + " as \"phone/ces/ivr_queue_transfers\" or conditions joined with '&' such as"
                + " \"upstream_failure_channel=app&prev_channel=app\"; set it");
        ok = false;
      } else if (segment.contains("/")) {
        String[] parts = segment.split("/", 3);
        if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank()) {
          problems.add(
              key
                  + ".segment = \""
                  + segment
                  + "\" is not a segment id; expected"
                  + " channel/metric/conditions (channel and metric may be *), e.g."
                  + " \"phone/ces/ivr_queue_transfers\"; copy it from root_cause_segments.segment_id");
          ok = false;
        } else {
          channel = parts[0].toLowerCase(Locale.ROOT);
          metric = parts[1].toLowerCase(Locale.ROOT);
          conditionText = parts[2];
          if (!"*".equals(channel) && !channels.isEmpty() && !channels.contains(channel)) {
            problems.add(
                key
                    + ".segment = \""
                    + segment
                    + "\": channel '"
                    + channel
                    + "' is"
                    + " not in polku.ingest.channels "
                    + channels
                    + "; expected one of them or *;"
                    + " fix the segment id");
            ok = false;
          }
        }
      }
      List<String> conditions =
          java.util.Arrays.stream(conditionText.split("&"))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .sorted()
              .distinct()
              .toList();
      if (ok && conditions.isEmpty()) {
        problems.add(
            key
                + ".segment = \""
                + segment
                + "\" has no conditions; expected at least"
                + " one condition such as prev_channel=app; add the segment's conditions");
        ok = false;
      }
      java.time.LocalDate date = null;
      try {
        date = java.time.LocalDate.parse(dateText);
      } catch (java.time.format.DateTimeParseException e) {
        problems.add(
            key
                + ".date = \""
                + dateText
                + "\" is not a date; expected YYYY-MM-DD, the"
                + " day the fix went live; set e.g. date = \"2026-10-01\"");
        ok = false;
      }
      return ok ? new Fix(segment, channel, metric, conditions, date, note) : null;
    }

    private Double number(Config conf, String path, String fullKey) {
      try {
        return conf.getDouble(path);
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(fullKey + ": " + e.getMessage() + "; expected a number (a raw score)");
        return null;
      }
    }

    private double nonNegative(String path) {
      try {
        double v = c.getDouble(path);
        if (v < 0) {
          problems.add(path + " = " + v + " is negative; expected a number >= 0");
        }
        return v;
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(path + ": " + e.getMessage() + "; expected a number >= 0");
        return 0;
      }
    }

    private boolean parses(String expr, String key) {
      try {
        CatalystSqlParser$.MODULE$.parseExpression(expr);
        return true;
      } catch (Exception e) { // ParseException is checked in Java's eyes
        problems.add(
            key
                + " = \""
                + expr
                + "\" is not a Spark SQL expression: "
                + firstLine(e)
                + "; fix the expression");
        return false;
      }
    }

    private String location(String path, boolean required) {
      String value = optString(path);
      if (value == null) {
        if (required) {
          problems.add(
              path
                  + " is unset; expected a URI or path for the lake, e.g."
                  + " \"lake\" (relative to POLKU_HOME), file:///data/lake or s3a://bucket/polku;"
                  + " set it in your --conf file");
        }
        return null;
      }
      String resolved = resolveLocation(value, baseDir);
      if (resolved == null) {
        problems.add(
            path
                + " = '"
                + value
                + "' is a relative path but polku.base-dir is unset;"
                + " expected an absolute path or URI; set POLKU_HOME (bin/polku does) or"
                + " polku.base-dir");
      }
      return resolved;
    }

    private String string(String path) {
      String v = optString(path);
      if (v == null) {
        problems.add(path + " is unset; expected a value; set it in your --conf file");
      }
      return v;
    }

    private String optString(String path) {
      if (!c.hasPath(path)) {
        return null;
      }
      try {
        String v = c.getString(path);
        return v.isBlank() ? null : v;
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(path + ": " + e.getMessage() + "; expected a string");
        return null;
      }
    }

    /** {@code key} checked with its declared minimum ({@link ConfigKey.AtLeast}). */
    private int atLeast(ConfigKey<Integer> key) {
      int min = Math.toIntExact(((ConfigKey.AtLeast) key.check()).min());
      String path = key.key();
      try {
        int v = c.getInt(path);
        if (v < min) {
          problems.add(
              path
                  + " = "
                  + v
                  + " must be at least "
                  + min
                  + "; set "
                  + (min == 1 ? "a positive number" : "e.g. " + key.defaultText()));
        }
        return v;
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(
            path
                + ": "
                + e.getMessage()
                + "; expected "
                + (min == 1 ? "a positive whole number" : "a whole number >= " + min));
        return min;
      }
    }

    private int positiveInt(String path) {
      try {
        int v = c.getInt(path);
        if (v < 1) {
          problems.add(path + " = " + v + " must be at least 1; set a positive number");
        }
        return v;
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(path + ": " + e.getMessage() + "; expected a positive whole number");
        return 1;
      }
    }

    private Duration positiveDuration(String path) {
      try {
        Duration d = c.getDuration(path);
        if (d.isNegative() || d.isZero()) {
          problems.add(
              path + " = " + d + " must be positive; set a duration such as 30m," + " 72h or 7d");
        }
        return d;
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(
            path + ": " + e.getMessage() + "; expected a duration such as 30m, 72h" + " or 7d");
        return Duration.ofMinutes(1);
      }
    }

    private List<String> stringList(String path) {
      try {
        return c.getStringList(path).stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(path + ": " + e.getMessage() + "; expected a list such as [phone, chat]");
        return List.of();
      }
    }

    private double share(String path) {
      return shareOf(c, path, path);
    }

    private double shareOf(Config conf, String path, String fullKey) {
      try {
        double v = conf.getDouble(path);
        if (v < 0 || v > 1) {
          problems.add(
              fullKey
                  + " = "
                  + v
                  + " is outside [0, 1]; expected a share such as"
                  + " 0.05 for 5%");
        }
        return v;
      } catch (com.typesafe.config.ConfigException e) {
        problems.add(fullKey + ": " + e.getMessage() + "; expected a number in [0, 1]");
        return 0;
      }
    }
  }

  private static String stripFileScheme(String uri) {
    if (uri == null) {
      return null;
    }
    return uri.startsWith("file://") ? uri.substring("file://".length()) : uri;
  }

  private static String quote(String v) {
    return v == null ? "<unset>" : "'" + v + "'";
  }

  /**
   * The first non-blank line of an exception's message, else of its causes', else its class name.
   * Spark's ParseException message starts with a newline, so its first line is empty.
   */
  public static String firstLine(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null) {
        for (String line : m.split("\n")) {
          if (!line.isBlank()) {
            return line.strip();
          }
        }
      }
    }
    return e.getClass().getName();
  }
}
