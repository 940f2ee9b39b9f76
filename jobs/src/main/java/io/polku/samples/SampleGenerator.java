package io.polku.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.samples.BadRowPlanter.BadRow;
import io.polku.samples.Records.AppEvent;
import io.polku.samples.Records.Call;
import io.polku.samples.Records.Delivery;
import io.polku.samples.Records.DeliveryException;
import io.polku.samples.Records.EmailEvent;
import io.polku.samples.Records.Link;
import io.polku.samples.Records.Order;
import io.polku.samples.Records.PersonData;
import io.polku.samples.Records.Scored;
import io.polku.samples.Records.WebEvent;
import io.polku.samples.Surveys.Observed;
import io.polku.samples.Surveys.Scenario;
import io.polku.samples.Surveys.Survey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Generates a deterministic sample of realistic <em>raw</em> source files for Polku: web
 * clickstream and app events as daily JSON-lines files, contact-centre calls (';' CSV, Helsinki
 * local time), e-mail campaign events, shop orders and deliveries, survey responses (RFC-4180 CSV
 * with multi-line comments), CRM customers and identity links, each in its own real-world shape.
 *
 * <p>Why: the pipeline has to ingest messy sources, resolve fragmented identities and find the root
 * causes of critical feedback. The sample therefore plants known root-cause scenarios (S1-S4 by
 * default; S5, a parcel that is never delivered, on request: with S3 it is a second cause under the
 * same vaguer "failed web-shop step") and one red herring (frequent newsletter opens without any
 * effect), a known set of bad rows with stable reason codes, genuinely fragmented identity
 * (unlinked phones and devices, anonymous prospects, duplicated links, one shared family tablet),
 * and writes the answers to {@code GROUND_TRUTH.json} and the row counts to {@code MANIFEST.json},
 * so tests can check the pipeline end to end. The surveys can be limited to some rated channels
 * (all behaviour stays): a data set with a single rated channel, where a cross-channel analysis has
 * nothing to add.
 *
 * <p>Same options, same bytes: all randomness is derived from the seed per person, maps keep
 * insertion order and the wall clock is never read. Persons are generated one at a time and the
 * records are spooled to disk, so 100,000 customers fit in a small heap.
 */
public final class SampleGenerator {

  /** The scenario kinds of the committed samples and of the defaults. */
  public static final List<String> DEFAULT_SCENARIO_KINDS = List.of("S1", "S2", "S3", "S4");

  /** Every scenario kind the generator can plant. */
  public static final List<String> ALL_SCENARIO_KINDS =
      List.of("S1", "S2", "S3", "S4", "S5", "S6", "S7");

  /** The rated channels of the surveys (the {@code channel-map} of conf/local.conf). */
  public static final List<String> RATED_CHANNELS = List.of("phone", "chat", "shop", "app", "web");

  /**
   * Generation options.
   *
   * @param scenarios whether the planted kinds' triggers raise the critical rate (false: null data,
   *     the same behaviour without any effect)
   * @param scenarioKinds the kinds (S1..S5) to plant; S5's behaviour and its raw file exist only
   *     when it is listed
   * @param ratedChannels the rated channels whose surveys are kept; empty: all
   */
  public record Options(
      int customers,
      int days,
      long seed,
      LocalDate start,
      boolean scenarios,
      List<String> scenarioKinds,
      List<String> ratedChannels) {
    /** The default kinds (S1-S4) and every rated channel. */
    public Options(int customers, int days, long seed, LocalDate start, boolean scenarios) {
      this(customers, days, seed, start, scenarios, DEFAULT_SCENARIO_KINDS, List.of());
    }

    public static Options defaults() {
      return new Options(2000, 60, 42L, LocalDate.of(2026, 9, 1), true);
    }
  }

  /** The rated channel and metric of a scenario kind, e.g. {@code shop/nps} for S3. */
  public static String scenarioScope(String kind) {
    Scenario s = Scenario.parse(kind);
    return s.survey.channel + "/" + s.survey.metric;
  }

  /**
   * Sources the generated samples hold beyond the nine of the committed samples, which the
   * configuration must enable to read them (conf/local.conf has them, disabled).
   */
  public static List<String> extraSources(Options options) {
    return options.scenarioKinds().stream().anyMatch("S5"::equalsIgnoreCase)
        ? List.of(DELIVERY_EXCEPTIONS)
        : List.of();
  }

  /** Records (not lines) and planted bad rows per source, and the bytes written. */
  public record Result(
      Map<String, Long> rowsPerSource, Map<String, Long> badRowsPerSource, long bytesWritten) {}

  static final String WEB = "web_clickstream";
  static final String APP = "app_events";
  static final String CALLS = "contact_centre_calls";
  static final String EMAIL = "email_events";
  static final String ORDERS = "shop_orders";
  static final String DELIVERIES = "shop_deliveries";
  static final String DELIVERY_EXCEPTIONS = "shop_delivery_exceptions";
  static final String SURVEYS = "survey_responses";
  static final String CRM = "crm_customers";
  static final String LINKS = "identity_links";

  private static final int SHARED_DEVICE_USERS = 7;
  private static final LocalDate LATEST_END = LocalDate.of(2030, 1, 1);

  private final Options options;
  private final Set<Scenario> kinds;
  private final Set<String> rated;
  private final Map<String, Observed> triggerStats = new LinkedHashMap<>();

  public SampleGenerator(Options options) {
    this.options = validate(options);
    this.kinds = EnumSet.noneOf(Scenario.class);
    this.options.scenarioKinds().forEach(k -> kinds.add(Scenario.parse(k)));
    this.rated =
        new LinkedHashSet<>(
            this.options.ratedChannels().isEmpty() ? RATED_CHANNELS : this.options.ratedChannels());
  }

  private static Options validate(Options o) {
    if (o == null) {
      throw new IllegalArgumentException("options must not be null; use Options.defaults()");
    }
    if (o.customers() < 50) {
      throw new IllegalArgumentException(
          "customers must be at least 50 to plant scenarios, got "
              + o.customers()
              + "; pass --customers 50 or more");
    }
    if (o.customers() > 999_999) {
      throw new IllegalArgumentException(
          "customers must be at most 999999 (customer numbers are"
              + " C + 6 digits), got "
              + o.customers()
              + "; pass --customers 999999 or fewer");
    }
    if (o.days() < 7) {
      throw new IllegalArgumentException(
          "days must be at least 7 for weekly patterns and the"
              + " 48-hour scenario windows, got "
              + o.days()
              + "; pass --days 7 or more");
    }
    if (o.days() > 1096) {
      throw new IllegalArgumentException(
          "days must be at most 1096 (three years), got "
              + o.days()
              + "; pass --days 1096 or fewer");
    }
    if (o.start() == null) {
      throw new IllegalArgumentException(
          "start date is missing; pass --start yyyy-MM-dd, e.g." + " --start 2026-09-01");
    }
    if (o.start().getYear() < 2020 || o.start().plusDays(o.days()).isAfter(LATEST_END)) {
      throw new IllegalArgumentException(
          "the window "
              + o.start()
              + " + "
              + o.days()
              + " days must lie between 2020-01-01 and 2030-01-01, because planted future timestamps"
              + " use 2030 and 2031; pass an earlier --start or fewer --days");
    }
    if (o.scenarioKinds() == null || o.scenarioKinds().isEmpty()) {
      throw new IllegalArgumentException(
          "no scenario kinds to plant; pass --scenarios with some"
              + " of "
              + String.join(",", ALL_SCENARIO_KINDS)
              + " (or --no-scenarios for null data)");
    }
    Set<Scenario> parsed = EnumSet.noneOf(Scenario.class);
    for (String k : o.scenarioKinds()) {
      parsed.add(Scenario.parse(k));
    }
    List<String> channels = o.ratedChannels() == null ? List.of() : o.ratedChannels();
    Set<String> wanted = new LinkedHashSet<>();
    for (String c : channels) {
      String channel = c.trim().toLowerCase(Locale.ROOT);
      if (!RATED_CHANNELS.contains(channel)) {
        throw new IllegalArgumentException(
            "unknown rated channel '"
                + c
                + "'; expected some of "
                + String.join(",", RATED_CHANNELS));
      }
      wanted.add(channel);
    }
    // Canonical order, so that the same choice gives the same bytes however it is written.
    List<String> kindsInOrder = parsed.stream().map(Scenario::name).toList();
    List<String> channelsInOrder =
        wanted.size() == RATED_CHANNELS.size()
            ? List.of()
            : RATED_CHANNELS.stream().filter(wanted::contains).toList();
    return new Options(
        o.customers(), o.days(), o.seed(), o.start(), o.scenarios(), kindsInOrder, channelsInOrder);
  }

  public Options options() {
    return options;
  }

  /**
   * With/without-trigger counts of the planted kinds from the last {@link #generate} run, computed
   * also when scenarios are off (then the trigger must make no difference).
   */
  Map<String, Observed> triggerStats() {
    return triggerStats;
  }

  /**
   * Writes {@code raw/}, {@code GROUND_TRUTH.json} and {@code MANIFEST.json} under {@code outDir},
   * replacing earlier output there.
   */
  public Result generate(Path outDir) throws IOException {
    TimeModel time = new TimeModel(options.start(), options.days());
    int customers = options.customers();
    deleteRecursively(outDir.resolve("raw"));
    deleteRecursively(outDir.resolve(".spool"));
    Files.deleteIfExists(outDir.resolve("GROUND_TRUTH.json"));
    Files.deleteIfExists(outDir.resolve("MANIFEST.json"));
    Files.createDirectories(outDir);

    SplittableRandom global = Rng.stream(options.seed(), 0, 7);
    TreeSet<Integer> sharedUsers = new TreeSet<>();
    while (sharedUsers.size() < SHARED_DEVICE_USERS) {
      sharedUsers.add(1 + global.nextInt(customers));
    }
    String sharedDevice = "dev-shared-" + Rng.hex(global, 12);

    Map<String, Spool.Target> targets = new LinkedHashMap<>();
    targets.put(WEB, new Spool.Target(WEB, "raw/web/clickstream-{date}.jsonl", true, null));
    targets.put(APP, new Spool.Target(APP, "raw/app/events-{date}.json", true, null));
    targets.put(
        CALLS,
        new Spool.Target(CALLS, "raw/contact-centre/calls.csv", false, RawFormats.CALLS_HEADER));
    targets.put(
        EMAIL,
        new Spool.Target(EMAIL, "raw/email/campaign_events.csv", false, RawFormats.EMAIL_HEADER));
    targets.put(
        ORDERS, new Spool.Target(ORDERS, "raw/shop/orders.csv", false, RawFormats.ORDERS_HEADER));
    targets.put(
        DELIVERIES,
        new Spool.Target(
            DELIVERIES, "raw/shop/deliveries.csv", false, RawFormats.DELIVERIES_HEADER));
    if (kinds.contains(Scenario.S5)) {
      targets.put(
          DELIVERY_EXCEPTIONS,
          new Spool.Target(
              DELIVERY_EXCEPTIONS,
              "raw/shop/delivery_exceptions.csv",
              false,
              RawFormats.DELIVERY_EXCEPTIONS_HEADER));
    }
    targets.put(
        SURVEYS,
        new Spool.Target(SURVEYS, "raw/surveys/responses.csv", false, RawFormats.SURVEYS_HEADER));
    targets.put(CRM, new Spool.Target(CRM, "raw/crm/customers.csv", false, RawFormats.CRM_HEADER));
    targets.put(
        LINKS, new Spool.Target(LINKS, "raw/identity/links.csv", false, RawFormats.LINKS_HEADER));

    Spool spool = new Spool(outDir, time);
    targets.values().forEach(spool::register);
    RawFormats formats = new RawFormats();
    PersonSimulator simulator =
        new PersonSimulator(
            time,
            options.seed(),
            customers,
            options.scenarios(),
            kinds,
            new PersonSimulator.Ids(),
            PersonSimulator.schedule(time),
            sharedUsers,
            sharedDevice);
    BadRowPlanter planter =
        new BadRowPlanter(
            targets,
            spool,
            formats,
            time,
            Rng.stream(options.seed(), 0, 9),
            customers,
            sharedUsers);
    Truth truth = new Truth();

    int prospects = (int) Math.round(customers * 0.095);
    for (int index = 1; index <= customers + prospects; index++) {
      PersonData p = simulator.simulate(index);
      // Only the kept channels' surveys; their scores are those of the full data set.
      p.responses.removeIf(s -> !rated.contains(s.survey().channel));
      planter.plant(p);
      write(p, targets, spool, formats);
      truth.accept(p);
    }
    planter.finish();
    Map<String, Long> perFile = spool.finish();

    Map<String, Long> rows = new LinkedHashMap<>();
    Map<String, Long> bad = new LinkedHashMap<>();
    Map<String, Object> sources = new LinkedHashMap<>();
    long rawBytes = 0;
    for (String source : targets.keySet()) {
      List<String> files = spool.filesOf(source);
      long n = 0;
      for (String f : files) {
        n += perFile.get(f);
        rawBytes += Files.size(outDir.resolve(f));
      }
      long b = planter.planted().stream().filter(r -> r.source().equals(source)).count();
      rows.put(source, n);
      bad.put(source, b);
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("files", files);
      s.put("rows", n);
      s.put("bad_rows", b);
      s.put("expected_valid", n - b);
      sources.put(source, s);
    }

    triggerStats.clear();
    triggerStats.putAll(truth.scenarioObserved);
    ObjectMapper mapper = new ObjectMapper();
    Path truthFile = outDir.resolve("GROUND_TRUTH.json");
    mapper
        .writerWithDefaultPrettyPrinter()
        .writeValue(
            truthFile.toFile(),
            truth.toJson(generatorJson(), planter.planted(), sharedDevice, sharedUsers));
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("generator", generatorJson());
    manifest.put("sources", sources);
    manifest.put("total_bytes", rawBytes);
    Path manifestFile = outDir.resolve("MANIFEST.json");
    mapper.writerWithDefaultPrettyPrinter().writeValue(manifestFile.toFile(), manifest);
    long total = rawBytes + Files.size(truthFile) + Files.size(manifestFile);
    return new Result(rows, bad, total);
  }

  private Map<String, Object> generatorJson() {
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("customers", options.customers());
    g.put("days", options.days());
    g.put("seed", options.seed());
    g.put("start", options.start().toString());
    g.put("scenarios", options.scenarios());
    // Only when not the defaults, so that the committed samples keep their bytes.
    if (!options.scenarioKinds().equals(DEFAULT_SCENARIO_KINDS)) {
      g.put("scenario_kinds", options.scenarioKinds());
    }
    if (!options.ratedChannels().isEmpty()) {
      g.put("rated_channels", options.ratedChannels());
    }
    return g;
  }

  private static void write(
      PersonData p, Map<String, Spool.Target> targets, Spool spool, RawFormats formats)
      throws IOException {
    for (WebEvent e : p.web) {
      spool.add(targets.get(WEB), e.ts(), formats.web(e));
    }
    for (AppEvent e : p.app) {
      spool.add(targets.get(APP), e.ts(), formats.app(e));
    }
    for (Call c : p.calls) {
      spool.add(targets.get(CALLS), c.ts(), RawFormats.semicolons(RawFormats.callFields(c)));
    }
    for (EmailEvent e : p.emails) {
      spool.add(targets.get(EMAIL), e.ts(), RawFormats.csv(RawFormats.emailFields(e)));
    }
    for (Order o : p.orders) {
      spool.add(targets.get(ORDERS), o.ts(), RawFormats.csv(RawFormats.orderFields(o)));
    }
    for (Delivery d : p.deliveries) {
      spool.add(
          targets.get(DELIVERIES), d.deliveredTs(), RawFormats.csv(RawFormats.deliveryFields(d)));
    }
    for (DeliveryException x : p.deliveryExceptions) {
      spool.add(
          targets.get(DELIVERY_EXCEPTIONS),
          x.ts(),
          RawFormats.csv(RawFormats.deliveryExceptionFields(x)));
    }
    for (Scored s : p.responses) {
      spool.add(
          targets.get(SURVEYS),
          s.response().ts(),
          RawFormats.csv(RawFormats.responseFields(s.response())));
    }
    if (p.crm != null) {
      spool.add(
          targets.get(CRM), 0, p.index * 4L, RawFormats.csv(RawFormats.customerFields(p.crm)));
    }
    for (Link l : p.links) {
      spool.add(targets.get(LINKS), l.ts(), RawFormats.csv(RawFormats.linkFields(l)));
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Accumulates the ground truth while persons stream past. */
  private final class Truth {
    final Map<String, Observed> scenarioObserved = new LinkedHashMap<>();
    final Map<String, TreeSet<String>> affectedCustomers = new LinkedHashMap<>();
    final Map<String, List<String>> affectedResponses = new LinkedHashMap<>();
    final Map<String, Observed> herringObserved = new LinkedHashMap<>();
    final Observed herringAll = new Observed();
    final List<Map<String, Object>> persons = new ArrayList<>();
    long customersOpeningNewsletter;

    /** The planted kinds whose survey is kept (their rated channel is rated). */
    final List<Scenario> planted = new ArrayList<>();

    Truth() {
      for (Scenario s : kinds) {
        if (rated.contains(s.survey.channel)) {
          planted.add(s);
          scenarioObserved.put(s.name(), new Observed());
          affectedCustomers.put(s.name(), new TreeSet<>());
          affectedResponses.put(s.name(), new ArrayList<>());
        }
      }
      for (Survey s : Survey.values()) {
        if (rated.contains(s.channel)) {
          herringObserved.putIfAbsent(s.channel, new Observed());
        }
      }
    }

    void accept(PersonData p) {
      for (Scored s : p.responses) {
        for (Scenario scenario : planted) {
          if (scenario.survey != s.survey()) {
            continue;
          }
          boolean with = s.trigger() == scenario;
          scenarioObserved.get(scenario.name()).add(with, s.critical());
          if (with) {
            affectedCustomers.get(scenario.name()).add(p.customerId);
            affectedResponses.get(scenario.name()).add(s.response().id());
          }
        }
        herringObserved.get(s.survey().channel).add(s.newsletterOpened(), s.critical());
        herringAll.add(s.newsletterOpened(), s.critical());
      }
      boolean opened =
          p.emails.stream()
              .anyMatch(e -> "open".equals(e.event()) && e.campaign().startsWith("newsletter_"));
      customersOpeningNewsletter += opened ? 1 : 0;
      Map<String, Object> person = new LinkedHashMap<>();
      person.put("person", p.personId);
      person.put("customer_id", p.customerId);
      person.put("anonymous_ids", p.cookies);
      person.put("device_ids", p.devices);
      person.put("phone_hashes", p.phoneHashes);
      person.put("email_hashes", p.emailHashes);
      persons.add(person);
    }

    Map<String, Object> toJson(
        Map<String, Object> generator,
        List<BadRow> badRows,
        String sharedDevice,
        TreeSet<Integer> sharedUsers) {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("generator", generator);
      List<Map<String, Object>> scenarios = new ArrayList<>();
      if (options.scenarios()) {
        for (Scenario s : planted) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", s.name());
          m.put("name", s.title);
          m.put("description", s.description);
          m.put("rated_channel", s.survey.channel);
          m.put("survey", s.survey.code);
          m.put("metric", s.survey.metric);
          m.put("trigger", s.trigger());
          m.put("affected_customers", new ArrayList<>(affectedCustomers.get(s.name())));
          m.put("affected_responses", affectedResponses.get(s.name()));
          m.put("critical_probability_with", s.criticalWith);
          m.put("critical_probability_without", s.survey.baselineCritical);
          m.put("observed", scenarioObserved.get(s.name()).toMap());
          scenarios.add(m);
        }
      }
      root.put("scenarios", scenarios);

      Map<String, Object> herring = new LinkedHashMap<>();
      herring.put("id", "R1");
      herring.put("name", "newsletter_open");
      herring.put(
          "description",
          "Opening a weekly newsletter_* e-mail is frequent but has no"
              + " effect on any score; a good analysis must not report it as a root cause.");
      herring.put("rated_channel", "all");
      Map<String, Object> trigger = new LinkedHashMap<>();
      trigger.put("channel", "email");
      trigger.put("event", "open");
      trigger.put("campaign_prefix", "newsletter_");
      trigger.put("within_days_before_response", 14);
      herring.put("trigger", trigger);
      herring.put("effect", "none");
      herring.put("customers_opening", customersOpeningNewsletter);
      herring.put(
          "share_of_customers_opening",
          Math.round(10_000.0 * customersOpeningNewsletter / options.customers()) / 10_000.0);
      herring.put("observed", herringAll.toMap());
      Map<String, Object> perChannel = new LinkedHashMap<>();
      herringObserved.forEach((channel, o) -> perChannel.put(channel, o.toMap()));
      herring.put("observed_per_rated_channel", perChannel);
      root.put("red_herrings", List.of(herring));

      List<Map<String, Object>> bad = new ArrayList<>();
      for (BadRow b : badRows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", b.source());
        m.put("file", b.file());
        m.put("match", b.match());
        m.put("reason", b.reason());
        bad.add(m);
      }
      root.put("bad_rows", bad);
      root.put("persons", persons);
      Map<String, Object> shared = new LinkedHashMap<>();
      shared.put("id_type", "device_id");
      shared.put("id", sharedDevice);
      List<String> users = new ArrayList<>();
      for (int i : sharedUsers) {
        users.add(String.format("C%06d", i));
      }
      shared.put("customers", users);
      shared.put("note", "a family tablet used by several customers; must not merge them");
      root.put("shared_identifiers", List.of(shared));
      return root;
    }
  }
}
