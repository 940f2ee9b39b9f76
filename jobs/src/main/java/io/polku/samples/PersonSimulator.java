package io.polku.samples;

import static io.polku.samples.Records.props;
import static io.polku.samples.TimeModel.DAY;
import static io.polku.samples.TimeModel.HOUR;
import static io.polku.samples.TimeModel.MINUTE;
import static io.polku.samples.TimeModel.SECOND;

import io.polku.samples.Records.AppEvent;
import io.polku.samples.Records.Call;
import io.polku.samples.Records.Chat;
import io.polku.samples.Records.Customer;
import io.polku.samples.Records.Delivery;
import io.polku.samples.Records.DeliveryException;
import io.polku.samples.Records.EmailEvent;
import io.polku.samples.Records.Link;
import io.polku.samples.Records.Order;
import io.polku.samples.Records.PersonData;
import io.polku.samples.Records.Response;
import io.polku.samples.Records.Scored;
import io.polku.samples.Records.WebEvent;
import io.polku.samples.Surveys.Scenario;
import io.polku.samples.Surveys.Survey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Simulates one person's behaviour across all channels and the survey responses it triggers.
 *
 * <p>Behaviour uses the person's behaviour stream only, so it is identical whether scenarios are
 * planted or not; scores and comments use a separate stream. With scenarios on, a response whose
 * trigger (of a planted kind) really occurred in this person's generated events is critical with
 * the scenario's probability; otherwise with the survey's baseline probability.
 *
 * <p>The behaviour of S1-S4 is always generated (it is everyday behaviour: failed payments, late
 * deliveries); S5's (parcels that are never delivered, reported in the carrier's exception feed)
 * only when S5 is among the planted kinds, so that the default samples keep their bytes; so are
 * S6's (price-change notices, the terms page and the call after them, drawn from a stream of their
 * own). S7 (a large basket) is everyday behaviour: only its trigger is new.
 */
final class PersonSimulator {

  private static final String[] APP_SCREENS = {
    "home", "billing", "contract", "orders", "support", "account"
  };
  private static final String[] SELF_SERVICE_SCREENS = {"billing", "contract", "orders", "account"};
  private static final double[] SELF_SERVICE_WEIGHTS = {45, 20, 20, 15};
  private static final String[] EPISODE_TOPICS = {
    "billing", "delivery", "returns", "contract", "account"
  };
  private static final long NEWSLETTER_LOOKBACK = 14 * DAY;

  /** S5: share of placed orders whose parcel is never delivered (lost or returned). */
  static final double UNDELIVERED_SHARE = 0.05;

  /** S6: price-change notices per eligible customer and 60 days. */
  static final double PRICE_NOTICES = 0.5;

  /** S7: an order of at least this many items. */
  static final int LARGE_BASKET = 4;

  /** A scheduled e-mail campaign. */
  record Campaign(String name, long sendBase, boolean newsletter, double audience) {}

  /** Per-device attributes of the app. */
  private record DeviceInfo(String os, String oldVersion, long upgradeTs) {}

  /** A survey invitation that was answered, not yet scored. */
  private record Pending(
      String id,
      Survey survey,
      long ts,
      String customer,
      String email,
      String phone,
      String touchpoint,
      String caseRef,
      Scenario trigger,
      String visitor) {}

  /** Sequential id counters shared by all persons (generation order). */
  static final class Ids {
    private long web;
    private long session;
    private long call;
    private long email;
    private long order;
    private long delivery;
    private long exception;
    private long response;

    String web() {
      return String.format("web-%07d", ++web);
    }

    String session() {
      return String.format("ws-%07d", ++session);
    }

    String call() {
      return String.format("call-%07d", ++call);
    }

    String email() {
      return String.format("em-%08d", ++email);
    }

    String order() {
      return String.format("ord-%07d", ++order);
    }

    String delivery() {
      return String.format("dlv-%07d", ++delivery);
    }

    String exception() {
      return String.format("dex-%07d", ++exception);
    }

    String response() {
      return String.format("resp-%07d", ++response);
    }
  }

  private final TimeModel time;
  private final long seed;
  private final int customers;
  private final boolean scenarios;
  private final Set<Scenario> kinds;
  private final boolean undeliveredParcels;
  private final boolean priceNotices;
  private final boolean largeBaskets;

  /** S6's calls of the person being simulated. */
  private final Set<String> noticeCalls = new java.util.HashSet<>();

  /** S7's deliveries (of orders with a large basket) of the person being simulated. */
  private final Set<String> basketDeliveries = new java.util.HashSet<>();

  private final double scale;
  private final Ids ids;
  private final List<Campaign> campaigns;
  private final Set<Integer> sharedUsers;
  private final String sharedDevice;
  private final long phoneOffset;
  private final MessageDigest sha256;

  PersonSimulator(
      TimeModel time,
      long seed,
      int customers,
      boolean scenarios,
      Set<Scenario> kinds,
      Ids ids,
      List<Campaign> campaigns,
      Set<Integer> sharedUsers,
      String sharedDevice) {
    this.time = time;
    this.seed = seed;
    this.customers = customers;
    this.scenarios = scenarios;
    this.kinds = kinds;
    this.undeliveredParcels = kinds.contains(Scenario.S5);
    this.priceNotices = kinds.contains(Scenario.S6);
    this.largeBaskets = kinds.contains(Scenario.S7);
    this.scale = time.days / 60.0;
    this.ids = ids;
    this.campaigns = campaigns;
    this.sharedUsers = sharedUsers;
    this.sharedDevice = sharedDevice;
    this.phoneOffset = Math.floorMod(seed * 7_919L + 1_234_567L, 10_000_000L);
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  /** The newsletter and offer campaigns of the window, in send order. */
  static List<Campaign> schedule(TimeModel time) {
    List<Campaign> list = new ArrayList<>();
    LocalDate end = time.start.plusDays(time.days);
    LocalDate thursday = time.start.with(TemporalAdjusters.nextOrSame(DayOfWeek.THURSDAY));
    for (LocalDate d = thursday; d.isBefore(end); d = d.plusWeeks(1)) {
      long base = d.atTime(9, 0).atZone(TimeModel.HELSINKI).toInstant().toEpochMilli();
      String name = String.format("newsletter_w%02d", d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      list.add(new Campaign(name, base, true, 0.86));
    }
    String[] offers = {"offer_fibre_upgrade", "offer_autumn_sale"};
    double[] at = {0.2, 0.6};
    for (int i = 0; i < offers.length; i++) {
      LocalDate d = time.start.plusDays((long) (time.days * at[i]));
      long base = d.atTime(11, 0).atZone(TimeModel.HELSINKI).toInstant().toEpochMilli();
      list.add(new Campaign(offers[i], base, false, 0.3));
    }
    list.sort((a, b) -> Long.compare(a.sendBase(), b.sendBase()));
    return list;
  }

  /** Simulates person {@code index} (1-based; indices above the customer count are prospects). */
  PersonData simulate(int index) {
    boolean customer = index <= customers;
    SplittableRandom r = Rng.stream(seed, index, 1);
    PersonData p = new PersonData(index, customer ? String.format("C%06d", index) : null);
    Map<String, DeviceInfo> deviceInfo = new LinkedHashMap<>();
    List<Pending> pending = new ArrayList<>();
    profile(p, r, deviceInfo);
    web(p, r);
    if (customer) {
      app(p, r, deviceInfo, pending);
      appFailureEpisodes(p, r, deviceInfo);
      calls(p, r);
      noticeCalls.clear();
      basketDeliveries.clear();
      if (priceNotices) {
        priceNotices(p, Rng.stream(seed, index, 3));
      }
      shop(p, r, pending);
      campaigns(p, r);
      surveys(p, r, pending);
    }
    score(p, pending, Rng.stream(seed, index, 2));
    links(p, r);
    return p;
  }

  // ---- profile ---------------------------------------------------------------------------

  private void profile(PersonData p, SplittableRandom r, Map<String, DeviceInfo> deviceInfo) {
    p.lang = Rng.chance(r, 0.18) ? "en" : "fi";
    boolean customer = p.customerId != null;
    p.activity = customer ? Rng.uniform(r, 0.3, 1.7) : Rng.uniform(r, 0.3, 1.2);
    int cookies =
        customer
            ? 1 + Rng.pick(r, new double[] {50, 35, 15})
            : 1 + Rng.pick(r, new double[] {70, 30});
    for (int i = 0; i < cookies; i++) {
      p.cookies.add("ck-" + Rng.hex(r, 16));
    }
    if (!customer) {
      return;
    }
    String segment =
        switch (Rng.pick(r, new double[] {85, 11, 4})) {
          case 0 -> "consumer";
          case 1 -> "small_business";
          default -> "corporate";
        };
    String region = Vocabulary.REGIONS[Rng.pick(r, Vocabulary.REGION_WEIGHTS)];
    LocalDate since = time.start.minusDays(30 + r.nextInt(365 * 19));
    String tier = new String[] {"gold", "silver", "bronze"}[Rng.pick(r, new double[] {15, 35, 50})];
    p.crm =
        new Customer(
            p.customerId, segment, region, since, tier, Rng.chance(r, 0.62), Rng.chance(r, 0.95));
    if (Rng.chance(r, 0.85)) {
      long digits = Math.floorMod(p.index * 7_919L + phoneOffset, 10_000_000L);
      String phone =
          "+358"
              + Rng.oneOf(r, new String[] {"40", "44", "45", "50"})
              + String.format("%07d", digits);
      p.phoneHashes.add(sha(phone));
    }
    if (Rng.chance(r, 0.90)) {
      String email =
          Rng.oneOf(r, Vocabulary.FIRST_NAMES)
              + "."
              + Rng.oneOf(r, Vocabulary.LAST_NAMES)
              + p.index
              + "@"
              + Rng.oneOf(r, Vocabulary.MAIL_DOMAINS);
      p.emailHashes.add(sha(email));
    }
    if (Rng.chance(r, 0.60)) {
      int devices = Rng.chance(r, 0.75) ? 1 : 2;
      for (int i = 0; i < devices; i++) {
        String device = "dev-" + Rng.hex(r, 16);
        p.devices.add(device);
        deviceInfo.put(
            device,
            new DeviceInfo(
                Rng.chance(r, 0.55) ? "android" : "ios",
                Rng.chance(r, 0.15) ? "5.1.4" : "5.2.1",
                time.startMs + (long) (Rng.uniform(r, 0.2, 1.3) * (time.endMs - time.startMs))));
      }
    }
    p.responseRate = Rng.chance(r, 0.60) ? Rng.uniform(r, 0.30, 0.50) : 0.0;
    p.newsletterAffinity = Rng.uniform(r, 0.08, 0.45);
  }

  private String sha(String value) {
    return HexFormat.of().formatHex(sha256.digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  private boolean responds(PersonData p, SplittableRandom r) {
    return responds(p, r, 1.0);
  }

  /** Whether the person answers a survey; {@code boost} models angrier customers answering more. */
  private boolean responds(PersonData p, SplittableRandom r, double boost) {
    boolean draw = Rng.chance(r, Math.min(0.9, p.responseRate * boost));
    return p.crm != null && p.crm.surveyConsent() && draw;
  }

  // ---- web -------------------------------------------------------------------------------

  /** One browser session: a cookie, a session id and a clock that advances between events. */
  private final class Session {
    final PersonData p;
    final String id;
    final String cookie;
    final String userAgent;
    long t;
    String customer;

    Session(PersonData p, SplittableRandom r, long start) {
      this.p = p;
      this.id = ids.session();
      this.cookie = Rng.chance(r, 0.6) ? p.cookies.get(0) : Rng.oneOf(r, p.cookies);
      this.userAgent =
          Vocabulary.USER_AGENTS[Math.floorMod(cookie.hashCode(), Vocabulary.USER_AGENTS.length)];
      this.t = start;
    }

    void event(
        SplittableRandom r, String type, String page, Map<String, String> props, String result) {
      if (t < time.endMs) {
        p.web.add(
            new WebEvent(ids.web(), t, type, cookie, customer, id, page, userAgent, props, result));
      }
      t += Rng.between(r, 5 * SECOND, 150 * SECOND);
    }

    void login(SplittableRandom r) {
      event(r, "page_view", "/login", props(), null);
      boolean ok = Rng.chance(r, 0.95);
      if (ok) {
        customer = p.customerId;
      }
      event(
          r,
          "login",
          "/login",
          props("method", Rng.oneOf(r, new String[] {"password", "bank_id", "mobile_id"})),
          ok ? "ok" : "fail");
    }

    void search(SplittableRandom r, String topic, boolean zeroResults) {
      String results = zeroResults ? "0" : Integer.toString(1 + r.nextInt(40));
      event(
          r,
          "search",
          "/search",
          props("topic", topic, "query", Vocabulary.query(r, topic, p.lang), "results", results),
          zeroResults ? "fail" : "ok");
    }

    void chat(SplittableRandom r, String topic, String page) {
      long start = t;
      long end = start + Rng.between(r, 3 * MINUTE, 20 * MINUTE);
      boolean resolved = Rng.chance(r, 0.8);
      event(r, "chat_started", page, props("topic", topic), null);
      t = end;
      event(
          r,
          "chat_ended",
          page,
          props("topic", topic, "duration_s", Long.toString((end - start) / SECOND)),
          resolved ? "ok" : "fail");
      if (end < time.endMs) {
        p.chats.add(new Chat(start, end, customer, topic, cookie));
      }
    }
  }

  private void web(PersonData p, SplittableRandom r) {
    boolean customer = p.customerId != null;
    int sessions = Rng.poisson(r, (customer ? 0.5 : 0.75) * scale * p.activity);
    double[] kinds =
        customer ? new double[] {28, 23, 19, 21, 4, 5} : new double[] {55, 28, 0, 12, 5, 0};
    for (int i = 0; i < sessions; i++) {
      webSession(p, r, Rng.pick(r, kinds));
    }
    int episodes = Rng.poisson(r, 0.2 * scale);
    for (int i = 0; i < episodes; i++) {
      searchThenChat(p, r);
    }
  }

  private void webSession(PersonData p, SplittableRandom r, int kind) {
    Session s = new Session(p, r, time.sampleTime(r, TimeModel.ONLINE_HOURS));
    String topic = Rng.oneOf(r, Vocabulary.TOPICS);
    String page = Vocabulary.page(r, topic);
    switch (kind) {
      case 0 -> {
        s.event(r, "page_view", "/", props(), null);
        int more = r.nextInt(3);
        for (int i = 0; i < more; i++) {
          s.event(
              r,
              "page_view",
              Vocabulary.page(r, Rng.chance(r, 0.5) ? "products" : topic),
              props(),
              null);
        }
      }
      case 1 -> {
        s.event(r, "page_view", "/", props(), null);
        boolean zero = Rng.chance(r, 0.12);
        s.search(r, topic, zero);
        if (!zero) {
          s.event(r, "page_view", page, props(), null);
        }
      }
      case 2 -> {
        s.login(r);
        s.event(r, "page_view", page, props(), null);
        String result =
            new String[] {"ok", "fail", "abandoned"}[Rng.pick(r, new double[] {80, 10, 10})];
        s.event(
            r,
            "self_service",
            page,
            props("topic", topic, "form", Vocabulary.FORMS.get(topic)),
            result);
      }
      case 3 -> {
        s.event(r, "page_view", page, props(), null);
        if (p.customerId != null && Rng.chance(r, 0.5)) {
          s.login(r);
        }
        s.chat(r, topic, page);
      }
      case 4 -> {
        s.event(r, "page_view", page, props(), null);
        s.event(
            r,
            "error",
            page,
            props("topic", topic, "code", Rng.oneOf(r, new String[] {"500", "502", "504"})),
            "fail");
      }
      default -> {
        s.login(r);
        s.event(r, "page_view", "/account/profile", props(), null);
        s.event(r, "page_view", page, props(), null);
      }
    }
  }

  /** The S2 behaviour: a search without results, then the web chat within minutes. */
  private void searchThenChat(PersonData p, SplittableRandom r) {
    Session s = new Session(p, r, time.sampleTime(r, TimeModel.ONLINE_HOURS));
    String topic = Rng.oneOf(r, EPISODE_TOPICS);
    s.event(r, "page_view", Vocabulary.page(r, topic), props(), null);
    if (p.customerId != null && Rng.chance(r, 0.55)) {
      s.login(r);
    }
    s.search(r, topic, true);
    if (Rng.chance(r, 0.4)) {
      s.search(r, topic, true);
    }
    s.event(r, "page_view", "/support/contact", props(), null);
    s.t += Rng.between(r, 0, 20 * MINUTE);
    s.chat(r, topic, "/support/contact");
  }

  // ---- app -------------------------------------------------------------------------------

  private void appEvent(
      PersonData p,
      SplittableRandom r,
      String device,
      DeviceInfo info,
      String user,
      long t,
      String screen,
      String action,
      String status) {
    if (t < time.endMs) {
      String version =
          info.oldVersion().equals("5.1.4") || t < info.upgradeTs() ? info.oldVersion() : "5.3.0";
      p.app.add(
          new AppEvent(Rng.uuid(r), device, user, t, screen, action, status, version, info.os()));
    }
  }

  private void app(
      PersonData p, SplittableRandom r, Map<String, DeviceInfo> deviceInfo, List<Pending> pending) {
    int sessions = p.devices.isEmpty() ? 0 : Rng.poisson(r, 1.3 * scale * p.activity);
    for (int i = 0; i < sessions; i++) {
      String device = Rng.oneOf(r, p.devices);
      appSession(p, r, device, deviceInfo.get(device), Rng.chance(r, 0.62), false, pending);
    }
    if (sharedUsers.contains(p.index)) {
      DeviceInfo tablet = new DeviceInfo("android", "5.2.1", Long.MAX_VALUE);
      int shared = 2 + r.nextInt(3);
      for (int i = 0; i < shared; i++) {
        appSession(p, r, sharedDevice, tablet, true, true, pending);
      }
    }
  }

  private void appSession(
      PersonData p,
      SplittableRandom r,
      String device,
      DeviceInfo info,
      boolean loggedIn,
      boolean sharedTablet,
      List<Pending> pending) {
    long t = time.sampleTime(r, TimeModel.ONLINE_HOURS);
    String user = loggedIn ? p.customerId : null;
    int kind = Rng.pick(r, new double[] {45, 10, 30, 15});
    if (kind == 2 && !loggedIn) {
      kind = 0;
    }
    String screen = Rng.oneOf(r, APP_SCREENS);
    switch (kind) {
      case 0 -> {
        appEvent(p, r, device, info, user, t, "home", "open", null);
        t += Rng.between(r, 3 * SECOND, 90 * SECOND);
        appEvent(p, r, device, info, user, t, screen, "view", null);
      }
      case 1 -> {
        appEvent(p, r, device, info, user, t, "offers", "push_open", null);
        t += Rng.between(r, 3 * SECOND, 90 * SECOND);
        appEvent(p, r, device, info, user, t, screen, "view", null);
      }
      case 2 -> {
        String target = SELF_SERVICE_SCREENS[Rng.pick(r, SELF_SERVICE_WEIGHTS)];
        appEvent(p, r, device, info, user, t, "home", "open", null);
        t += Rng.between(r, 3 * SECOND, 60 * SECOND);
        appEvent(p, r, device, info, user, t, target, "view", null);
        t += Rng.between(r, 20 * SECOND, 180 * SECOND);
        double[] statusWeights = sharedTablet ? new double[] {85, 0, 15} : new double[] {82, 9, 9};
        String status = new String[] {"OK", "FAILED", "CANCELLED"}[Rng.pick(r, statusWeights)];
        appEvent(p, r, device, info, user, t, target, "self_service_submit", status);
        screen = target;
      }
      default -> {
        appEvent(p, r, device, info, user, t, "home", "open", null);
        t += Rng.between(r, 3 * SECOND, 60 * SECOND);
        appEvent(p, r, device, info, user, t, screen, "error", "FAILED");
      }
    }
    boolean prompt = Rng.chance(r, 0.06);
    if (loggedIn && prompt && responds(p, r)) {
      long at = t + Rng.between(r, 30 * SECOND, 5 * MINUTE);
      if (at < time.endMs) {
        pending.add(
            new Pending(
                ids.response(),
                Survey.APP_RATING_CSAT,
                at,
                p.customerId,
                null,
                null,
                screen,
                "",
                null,
                null));
      }
    }
  }

  /** The S1 behaviour: a failed billing payment in the app, usually followed by a billing call. */
  private void appFailureEpisodes(
      PersonData p, SplittableRandom r, Map<String, DeviceInfo> deviceInfo) {
    if (p.devices.isEmpty() || p.phoneHash() == null) {
      return;
    }
    int episodes = Rng.poisson(r, 0.5 * scale);
    for (int i = 0; i < episodes; i++) {
      String device = Rng.oneOf(r, p.devices);
      DeviceInfo info = deviceInfo.get(device);
      long t = time.sampleTime(r, TimeModel.ONLINE_HOURS);
      appEvent(p, r, device, info, p.customerId, t, "home", "open", null);
      t += Rng.between(r, 3 * SECOND, 60 * SECOND);
      appEvent(p, r, device, info, p.customerId, t, "billing", "view", null);
      t += Rng.between(r, 20 * SECOND, 120 * SECOND);
      appEvent(p, r, device, info, p.customerId, t, "billing", "self_service_submit", "FAILED");
      if (Rng.chance(r, 0.4)) {
        t += Rng.between(r, 1 * MINUTE, 3 * MINUTE);
        appEvent(p, r, device, info, p.customerId, t, "billing", "self_service_submit", "FAILED");
      }
      boolean calls = Rng.chance(r, 0.9);
      long callAt =
          time.nextOpen(t + Rng.between(r, 20 * MINUTE, 46 * HOUR), TimeModel.OFFICE_HOURS);
      if (calls && callAt - t <= 47 * HOUR && callAt < time.endMs) {
        call(p, r, callAt, "billing");
      }
    }
  }

  // ---- contact centre --------------------------------------------------------------------

  private void calls(PersonData p, SplittableRandom r) {
    if (p.phoneHash() == null) {
      return;
    }
    int n = Rng.poisson(r, 1.45 * scale * p.activity);
    for (int i = 0; i < n; i++) {
      String topic = Vocabulary.TOPICS[Rng.pick(r, Vocabulary.CALL_TOPIC_WEIGHTS)];
      call(p, r, time.sampleTime(r, TimeModel.OFFICE_HOURS), topic);
    }
  }

  private void call(PersonData p, SplittableRandom r, long t, String topic) {
    int transfers = Rng.pick(r, new double[] {55, 25, 11, 6, 3});
    StringBuilder ivr = new StringBuilder("main>").append(topic).append(">agent");
    String last = topic;
    for (int i = 0; i < transfers; i++) {
      String next = Rng.oneOf(r, Vocabulary.TOPICS);
      if (next.equals(last)) {
        next = "account".equals(last) ? "billing" : "account";
      }
      ivr.append(">transfer>").append(next).append(">agent");
      last = next;
    }
    boolean resolved = Rng.chance(r, Math.max(0.3, 0.8 - 0.12 * transfers));
    String team = Vocabulary.TEAMS.get(last) + (1 + r.nextInt(3));
    int duration = 90 + r.nextInt(900) + transfers * (120 + r.nextInt(240));
    p.calls.add(
        new Call(
            ids.call(),
            t,
            p.phoneHash(),
            ivr.toString(),
            transfers,
            topic,
            resolved,
            team,
            duration));
  }

  /**
   * The S6 behaviour: a price-change notice e-mail; often opened and clicked, the contract terms
   * page read on the web, and a call about the contract within a day. No step fails.
   */
  private void priceNotices(PersonData p, SplittableRandom r) {
    String email = p.emailHash();
    if (email == null || p.phoneHash() == null) {
      return;
    }
    int n = Rng.poisson(r, PRICE_NOTICES * scale);
    for (int i = 0; i < n; i++) {
      long sent = time.sampleTime(r, TimeModel.OFFICE_HOURS);
      if (sent >= time.endMs) {
        continue;
      }
      p.emails.add(new EmailEvent(ids.email(), email, "price_change_notice", "sent", sent));
      if (!Rng.chance(r, 0.7)) {
        continue;
      }
      long open = sent + Rng.between(r, 10 * MINUTE, 20 * HOUR);
      if (open >= time.endMs) {
        continue;
      }
      p.emails.add(new EmailEvent(ids.email(), email, "price_change_notice", "open", open));
      p.emails.add(
          new EmailEvent(
              ids.email(),
              email,
              "price_change_notice",
              "click",
              open + Rng.between(r, 20 * SECOND, 3 * MINUTE)));
      Session s = new Session(p, r, open + Rng.between(r, 4 * MINUTE, 6 * MINUTE));
      s.customer = p.customerId; // the e-mail link signs the customer in
      s.event(r, "page_view", "/contract/terms", props(), null);
      if (Rng.chance(r, 0.5)) {
        s.event(r, "page_view", "/contract/overview", props(), null);
      }
      if (!Rng.chance(r, 0.75)) {
        continue;
      }
      long callAt =
          time.nextOpen(s.t + Rng.between(r, 10 * MINUTE, 20 * HOUR), TimeModel.OFFICE_HOURS);
      if (callAt - s.t <= 24 * HOUR && callAt < time.endMs) {
        call(p, r, callAt, "contract");
        noticeCalls.add(p.calls.get(p.calls.size() - 1).id());
      }
    }
  }

  // ---- shop ------------------------------------------------------------------------------

  private void shop(PersonData p, SplittableRandom r, List<Pending> pending) {
    int n = Rng.poisson(r, 1.8 * scale * p.activity);
    for (int i = 0; i < n; i++) {
      long t = time.sampleTime(r, TimeModel.ONLINE_HOURS);
      String status =
          new String[] {"placed", "cancelled", "payment_failed"}
              [Rng.pick(r, new double[] {90, 6, 4})];
      int cents = (9 + r.nextInt(450)) * 100 + Rng.oneOf(r, new Integer[] {90, 0, 50, 95});
      Order order = new Order(ids.order(), p.customerId, t, status, cents, 1 + r.nextInt(5));
      p.orders.add(order);
      if ("placed".equals(status)) {
        delivery(p, r, order, pending);
      }
    }
  }

  private void delivery(PersonData p, SplittableRandom r, Order order, List<Pending> pending) {
    LocalDate ordered = TimeModel.utcDate(order.ts());
    LocalDate promised = ordered.plusDays(2 + r.nextInt(3));
    String carrier = Vocabulary.CARRIERS[Rng.pick(r, Vocabulary.CARRIER_WEIGHTS)];
    if (undeliveredParcels && Rng.chance(r, UNDELIVERED_SHARE)) {
      undelivered(p, r, order, promised, carrier, pending);
      return;
    }
    boolean late = Rng.chance(r, "Matkahuolto".equals(carrier) ? 0.24 : 0.115);
    LocalDate delivered =
        late ? promised.plusDays(1 + r.nextInt(4)) : promised.minusDays(r.nextInt(2));
    if (!delivered.isAfter(ordered)) {
      delivered = ordered.plusDays(1);
    }
    long day = ChronoUnit.DAYS.between(time.start, delivered);
    if (day >= time.days) {
      return;
    }
    long at = time.sampleTime(r, (int) day, TimeModel.DELIVERY_HOURS);
    Delivery d = new Delivery(ids.delivery(), order.id(), p.customerId, promised, at, carrier);
    p.deliveries.add(d);
    if (largeBaskets && order.items() >= LARGE_BASKET) {
      basketDeliveries.add(d.id());
    }
    deliverySurvey(p, r, at, d.id(), d.late() ? 1.6 : 1.0, d.late() ? Scenario.S3 : null, pending);
  }

  /**
   * The S5 behaviour: the parcel is never delivered; 3-7 days after the promised date the carrier
   * reports it lost in transit or returned to the sender, and the shop sends the delivery survey
   * about it.
   */
  private void undelivered(
      PersonData p,
      SplittableRandom r,
      Order order,
      LocalDate promised,
      String carrier,
      List<Pending> pending) {
    LocalDate reported = promised.plusDays(3 + r.nextInt(5));
    long day = ChronoUnit.DAYS.between(time.start, reported);
    if (day >= time.days) {
      return;
    }
    long at = time.sampleTime(r, (int) day, TimeModel.DELIVERY_HOURS);
    String exception = Rng.chance(r, 0.4) ? "lost_in_transit" : "returned_to_sender";
    DeliveryException x =
        new DeliveryException(
            ids.exception(), ids.delivery(), order.id(), p.customerId, carrier, at, exception);
    p.deliveryExceptions.add(x);
    if (largeBaskets && order.items() >= LARGE_BASKET) {
      basketDeliveries.add(x.deliveryId());
    }
    deliverySurvey(p, r, at, x.deliveryId(), 1.8, Scenario.S5, pending);
  }

  /**
   * The delivery NPS e-mail survey about a delivery (or a failed one) at {@code at}: the invite,
   * and when the person answers, the open, the click and the response.
   */
  private void deliverySurvey(
      PersonData p,
      SplittableRandom r,
      long at,
      String deliveryId,
      double boost,
      Scenario trigger,
      List<Pending> pending) {
    String email = p.emailHash();
    if (email == null || !p.crm.surveyConsent()) {
      return;
    }
    long invite = at + Rng.between(r, 2 * HOUR, 26 * HOUR);
    if (invite >= time.endMs) {
      return;
    }
    p.emails.add(new EmailEvent(ids.email(), email, "delivery_survey_invite", "sent", invite));
    long submitted = invite + Rng.between(r, 10 * MINUTE, 48 * HOUR);
    if (responds(p, r, boost) && submitted < time.endMs) {
      p.emails.add(
          new EmailEvent(
              ids.email(),
              email,
              "delivery_survey_invite",
              "open",
              submitted - Rng.between(r, 1 * MINUTE, 10 * MINUTE)));
      p.emails.add(
          new EmailEvent(
              ids.email(), email, "delivery_survey_invite", "click", submitted - 20 * SECOND));
      pending.add(
          new Pending(
              ids.response(),
              Survey.DELIVERY_NPS,
              submitted,
              p.customerId,
              email,
              null,
              "delivery",
              deliveryId,
              trigger,
              null));
    } else if (Rng.chance(r, 0.15)) {
      long open = invite + Rng.between(r, 1 * HOUR, 30 * HOUR);
      if (open < time.endMs) {
        p.emails.add(new EmailEvent(ids.email(), email, "delivery_survey_invite", "open", open));
      }
    }
  }

  // ---- e-mail campaigns ------------------------------------------------------------------

  private void campaigns(PersonData p, SplittableRandom r) {
    String email = p.emailHash();
    if (email == null || !p.crm.marketingConsent()) {
      return;
    }
    for (Campaign c : campaigns) {
      if (!Rng.chance(r, c.audience())) {
        continue;
      }
      long sent = c.sendBase() + r.nextInt(1800) * SECOND;
      if (sent >= time.endMs) {
        continue;
      }
      p.emails.add(new EmailEvent(ids.email(), email, c.name(), "sent", sent));
      if (Rng.chance(r, 0.015)) {
        p.emails.add(
            new EmailEvent(
                ids.email(),
                email,
                c.name(),
                "bounce",
                sent + Rng.between(r, 1 * MINUTE, 5 * MINUTE)));
        continue;
      }
      if (Rng.chance(r, c.newsletter() ? p.newsletterAffinity : 0.12)) {
        long delay = (long) Math.min(96 * HOUR, -Math.log(1 - r.nextDouble()) * 8 * HOUR);
        long open = sent + 2 * MINUTE + delay;
        if (open < time.endMs) {
          p.emails.add(new EmailEvent(ids.email(), email, c.name(), "open", open));
          long click = open + Rng.between(r, 1 * MINUTE, 10 * MINUTE);
          if (Rng.chance(r, 0.15) && click < time.endMs) {
            p.emails.add(new EmailEvent(ids.email(), email, c.name(), "click", click));
          }
        }
      }
    }
  }

  // ---- surveys ---------------------------------------------------------------------------

  private void surveys(PersonData p, SplittableRandom r, List<Pending> pending) {
    for (Chat chat : p.chats) {
      boolean identifiable = chat.customerId() != null || p.emailHash() != null;
      long at = chat.endTs() + Rng.between(r, 30 * SECOND, 10 * MINUTE);
      if (responds(p, r) && identifiable && at < time.endMs) {
        String email = chat.customerId() == null ? p.emailHash() : null;
        pending.add(
            new Pending(
                ids.response(),
                Survey.CHAT_CSAT,
                at,
                chat.customerId(),
                email,
                null,
                chat.topic(),
                "",
                searchedWithoutResults(p, chat) ? Scenario.S2 : null,
                chat.cookie()));
      }
    }
    for (Call call : p.calls) {
      long at = call.endTs() + Rng.between(r, 3 * MINUTE, 6 * HOUR);
      if (!responds(p, r) || at >= time.endMs) {
        continue;
      }
      boolean csat = Rng.chance(r, 0.92);
      boolean ces = Rng.chance(r, 0.85) || !csat;
      if (csat) {
        pending.add(
            new Pending(
                ids.response(),
                Survey.POST_CALL_CSAT,
                at,
                null,
                null,
                call.phoneHash(),
                call.topic(),
                call.id(),
                appFailureBefore(p, call) ? Scenario.S1 : null,
                null));
      }
      long cesAt = at + Rng.between(r, 20 * SECOND, 90 * SECOND);
      if (ces && cesAt < time.endMs) {
        pending.add(
            new Pending(
                ids.response(),
                Survey.POST_CALL_CES,
                cesAt,
                null,
                null,
                call.phoneHash(),
                call.topic(),
                call.id(),
                call.transfers() >= 2
                    ? Scenario.S4
                    : noticeCalls.contains(call.id()) ? Scenario.S6 : null,
                null));
      }
    }
    int relationship = Rng.poisson(r, 0.4 * scale);
    for (int i = 0; i < relationship; i++) {
      long at = time.sampleTime(r, TimeModel.ONLINE_HOURS);
      if (responds(p, r)) {
        pending.add(
            new Pending(
                ids.response(),
                Survey.RELATIONSHIP_NPS,
                at,
                p.customerId,
                null,
                null,
                "relationship",
                "",
                null,
                null));
      }
    }
  }

  /** S1 trigger: a FAILED billing self-service submit in the app within 48 h before the call. */
  static boolean appFailureBefore(PersonData p, Call call) {
    if (!"billing".equals(call.topic())) {
      return false;
    }
    for (AppEvent e : p.app) {
      if ("self_service_submit".equals(e.action())
          && "FAILED".equals(e.status())
          && "billing".equals(e.screen())
          && e.ts() < call.ts()
          && call.ts() - e.ts() <= 48 * HOUR) {
        return true;
      }
    }
    return false;
  }

  /** S2 trigger: a web search with zero results within 2 h before the chat started. */
  static boolean searchedWithoutResults(PersonData p, Chat chat) {
    for (WebEvent e : p.web) {
      if ("search".equals(e.type())
          && "0".equals(e.props().get("results"))
          && e.ts() < chat.startTs()
          && chat.startTs() - e.ts() <= 2 * HOUR) {
        return true;
      }
    }
    return false;
  }

  /** R1: the person opened a newsletter in the 14 days before {@code ts}. */
  static boolean openedNewsletterBefore(PersonData p, long ts) {
    for (EmailEvent e : p.emails) {
      if ("open".equals(e.event())
          && e.campaign().startsWith("newsletter_")
          && e.ts() < ts
          && ts - e.ts() <= NEWSLETTER_LOOKBACK) {
        return true;
      }
    }
    return false;
  }

  private void score(PersonData p, List<Pending> pending, SplittableRandom s) {
    for (Pending q : pending) {
      // S7 adds to whatever else happened to the order: on its own (trigger S7) or on top of
      // a late or lost parcel (trigger S3 or S5).
      boolean basket = q.survey() == Survey.DELIVERY_NPS && basketDeliveries.contains(q.caseRef());
      Scenario scenario = basket && q.trigger() == null ? Scenario.S7 : q.trigger();
      boolean active = scenarios && scenario != null && kinds.contains(scenario);
      double probability = active ? scenario.criticalWith : q.survey().baselineCritical;
      if (basket && scenarios && scenario != Scenario.S7) {
        probability =
            Math.min(
                0.95,
                probability + Scenario.S7.criticalWith - Survey.DELIVERY_NPS.baselineCritical);
      }
      if (TimeModel.isLocalMonday(q.ts())) {
        probability = Math.min(0.95, probability * 1.25);
      }
      boolean critical = s.nextDouble() < probability;
      int score = score(s, q.survey().metric, critical);
      String comment =
          Vocabulary.comment(s, p.lang, q.survey().channel, critical, active ? scenario : null);
      Response response =
          new Response(
              q.id(),
              q.ts(),
              q.customer(),
              q.email(),
              q.phone(),
              q.survey().code,
              q.survey().question,
              score,
              comment,
              p.lang,
              q.survey().ratedLabel,
              q.touchpoint(),
              q.caseRef(),
              q.visitor());
      p.responses.add(
          new Scored(response, q.survey(), scenario, critical, openedNewsletterBefore(p, q.ts())));
    }
  }

  private static int score(SplittableRandom s, String metric, boolean critical) {
    return switch (metric) {
      case "nps" ->
          critical
              ? Rng.pick(s, new double[] {3, 2, 3, 5, 7, 10, 12})
              : 7 + Rng.pick(s, new double[] {20, 28, 27, 25});
      case "csat" ->
          critical
              ? 1 + Rng.pick(s, new double[] {45, 55})
              : 3 + Rng.pick(s, new double[] {20, 42, 38});
      default ->
          critical
              ? 5 + Rng.pick(s, new double[] {45, 35, 20})
              : 1 + Rng.pick(s, new double[] {20, 30, 30, 20});
    };
  }

  // ---- identity links --------------------------------------------------------------------

  private void links(PersonData p, SplittableRandom r) {
    if (p.customerId == null) {
      return;
    }
    for (String cookie : p.cookies) {
      List<Long> logins = new ArrayList<>();
      for (WebEvent e : p.web) {
        if (cookie.equals(e.cookie()) && "login".equals(e.type()) && "ok".equals(e.result())) {
          logins.add(e.ts());
        }
      }
      if (!logins.isEmpty()) {
        logins.sort(Long::compare);
        p.links.add(new Link("login_cookie", cookie, p.customerId, logins.get(0)));
        if (logins.size() > 1 && Rng.chance(r, 0.3)) {
          p.links.add(
              new Link("login_cookie", cookie, p.customerId, logins.get(logins.size() - 1)));
        }
      }
    }
    for (String device : p.devices) {
      long first = Long.MAX_VALUE;
      for (AppEvent e : p.app) {
        if (device.equals(e.device()) && e.user() != null) {
          first = Math.min(first, e.ts());
        }
      }
      long at = first == Long.MAX_VALUE ? time.sampleTime(r, TimeModel.ONLINE_HOURS) : first;
      boolean linked = Rng.chance(r, 0.90);
      if (linked) {
        addLink(p, r, "device", device, at, 0.08);
      }
    }
    if (sharedUsers.contains(p.index)) {
      long first = Long.MAX_VALUE;
      for (AppEvent e : p.app) {
        if (sharedDevice.equals(e.device())) {
          first = Math.min(first, e.ts());
        }
      }
      p.links.add(
          new Link(
              "device",
              sharedDevice,
              p.customerId,
              first == Long.MAX_VALUE ? time.startMs : first));
    }
    for (String phone : p.phoneHashes) {
      long at = time.sampleTime(r, TimeModel.ONLINE_HOURS);
      if (Rng.chance(r, 0.85)) {
        addLink(p, r, "phone", phone, at, 0.05);
      }
    }
    for (String email : p.emailHashes) {
      long at = time.sampleTime(r, TimeModel.ONLINE_HOURS);
      if (Rng.chance(r, 0.92)) {
        addLink(p, r, "email", email, at, 0.05);
      }
    }
  }

  private void addLink(
      PersonData p, SplittableRandom r, String type, String from, long at, double duplicateShare) {
    p.links.add(new Link(type, from, p.customerId, at));
    long again = time.sampleTime(r, TimeModel.ONLINE_HOURS);
    if (Rng.chance(r, duplicateShare)) {
      p.links.add(new Link(type, from, p.customerId, again == at ? at + SECOND : again));
    }
  }
}
