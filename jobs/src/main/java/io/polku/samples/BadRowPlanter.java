package io.polku.samples;

import static io.polku.samples.TimeModel.HOUR;

import io.polku.samples.Records.AppEvent;
import io.polku.samples.Records.Call;
import io.polku.samples.Records.Customer;
import io.polku.samples.Records.Delivery;
import io.polku.samples.Records.EmailEvent;
import io.polku.samples.Records.Link;
import io.polku.samples.Records.Order;
import io.polku.samples.Records.PersonData;
import io.polku.samples.Records.Response;
import io.polku.samples.Records.Scored;
import io.polku.samples.Records.WebEvent;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Plants a known set of bad raw records, each with exactly one problem and a locator string that
 * occurs in exactly one record of its source (two for duplicates). Bad rows are built from real
 * persons' records (so every identifier in them still belongs to a person) and carry no scenario
 * effect. Kinds are spread over the customers; a kind whose designated person lacks a suitable
 * record moves on to the next person.
 */
final class BadRowPlanter {

  /** One planted bad row for the ground truth. */
  record BadRow(String source, String file, String match, String reason) {}

  /** Every planted kind: its source and reason code. */
  enum Kind {
    WEB_MALFORMED_1("web_clickstream", "MALFORMED_RECORD"),
    WEB_MALFORMED_2("web_clickstream", "MALFORMED_RECORD"),
    WEB_MISSING_ID("web_clickstream", "MISSING_ID"),
    WEB_FUTURE("web_clickstream", "FUTURE_TIMESTAMP"),
    WEB_DUPLICATE_1("web_clickstream", "DUPLICATE_ID"),
    WEB_DUPLICATE_2("web_clickstream", "DUPLICATE_ID"),
    APP_MALFORMED("app_events", "MALFORMED_RECORD"),
    APP_BAD_TYPE("app_events", "BAD_TYPE"),
    APP_MISSING_TIMESTAMP("app_events", "MISSING_TIMESTAMP"),
    APP_NO_IDENTIFIER("app_events", "NO_IDENTIFIER"),
    APP_DUPLICATE("app_events", "DUPLICATE_ID"),
    CALL_EXTRA_FIELD("contact_centre_calls", "FIELD_COUNT"),
    CALL_MISSING_FIELDS("contact_centre_calls", "FIELD_COUNT"),
    CALL_BAD_TIMESTAMP("contact_centre_calls", "BAD_TIMESTAMP"),
    CALL_MISSING_ID("contact_centre_calls", "MISSING_ID"),
    CALL_DUPLICATE("contact_centre_calls", "DUPLICATE_ID"),
    CALL_BAD_TYPE("contact_centre_calls", "BAD_TYPE"),
    EMAIL_BAD_TIMESTAMP("email_events", "BAD_TIMESTAMP"),
    EMAIL_DUPLICATE("email_events", "DUPLICATE_ID"),
    ORDER_BAD_TYPE("shop_orders", "BAD_TYPE"),
    ORDER_FIELD_COUNT("shop_orders", "FIELD_COUNT"),
    DELIVERY_MISSING_ID("shop_deliveries", "MISSING_ID"),
    SURVEY_NPS_RANGE("survey_responses", "SCORE_OUT_OF_RANGE"),
    SURVEY_CSAT_RANGE("survey_responses", "SCORE_OUT_OF_RANGE"),
    SURVEY_CES_RANGE("survey_responses", "SCORE_OUT_OF_RANGE"),
    SURVEY_UNKNOWN_CHANNEL("survey_responses", "UNKNOWN_CHANNEL"),
    SURVEY_FUTURE("survey_responses", "FUTURE_TIMESTAMP"),
    SURVEY_MISSING_TIMESTAMP("survey_responses", "MISSING_TIMESTAMP"),
    SURVEY_BAD_TYPE("survey_responses", "BAD_TYPE"),
    SURVEY_DUPLICATE("survey_responses", "DUPLICATE_ID"),
    CRM_MISSING_ID("crm_customers", "MISSING_ID"),
    CRM_DUPLICATE("crm_customers", "DUPLICATE_ID"),
    LINK_MISSING_ID("identity_links", "MISSING_ID");

    final String source;
    final String reason;

    Kind(String source, String reason) {
      this.source = source;
      this.reason = reason;
    }

    /** Kinds that change a person's own records and must be planted before they are written. */
    boolean mutates() {
      return this == DELIVERY_MISSING_ID || this == LINK_MISSING_ID;
    }
  }

  /** The spool targets the planter writes to, by source name. */
  private final Map<String, Spool.Target> targets;

  private final Spool spool;
  private final RawFormats formats;
  private final TimeModel time;
  private final SplittableRandom rng;
  private final Set<Integer> sharedUsers;
  private final Map<Kind, Integer> startAt = new EnumMap<>(Kind.class);
  private final Set<Kind> pending = new LinkedHashSet<>();
  private final Map<Kind, PersonData> fallback = new EnumMap<>(Kind.class);
  private final Set<String> usedTemplates = new LinkedHashSet<>();
  private final List<BadRow> planted = new ArrayList<>();
  private int webBad;
  private int callBad;
  private int emailBad;
  private int orderBad;
  private int responseBad;

  BadRowPlanter(
      Map<String, Spool.Target> targets,
      Spool spool,
      RawFormats formats,
      TimeModel time,
      SplittableRandom rng,
      int customers,
      Set<Integer> sharedUsers) {
    this.targets = targets;
    this.spool = spool;
    this.formats = formats;
    this.time = time;
    this.rng = rng;
    this.sharedUsers = sharedUsers;
    Kind[] kinds = Kind.values();
    for (int k = 0; k < kinds.length; k++) {
      startAt.put(kinds[k], 1 + (int) ((long) k * customers / (2L * kinds.length)));
      pending.add(kinds[k]);
    }
  }

  List<BadRow> planted() {
    return planted;
  }

  /** Plants the pending kinds whose turn has come and that this person can carry. */
  void plant(PersonData p) throws IOException {
    for (Kind kind : new ArrayList<>(pending)) {
      if (!eligible(kind, p)) {
        continue;
      }
      if (!kind.mutates()) {
        fallback.put(kind, p);
      }
      if (p.index >= startAt.get(kind)) {
        plant(kind, p);
        pending.remove(kind);
      }
    }
  }

  /** Plants every kind still pending on the last suitable person seen, or fails clearly. */
  void finish() throws IOException {
    for (Kind kind : new ArrayList<>(pending)) {
      PersonData p = fallback.get(kind);
      if (p == null) {
        throw new IllegalStateException(
            "could not plant the "
                + kind.reason
                + " bad row of "
                + kind.source
                + ": no person has a suitable record; generate more customers or days");
      }
      plant(kind, p);
      pending.remove(kind);
    }
  }

  private boolean eligible(Kind kind, PersonData p) {
    return switch (kind.source) {
      case "web_clickstream" -> !p.web.isEmpty();
      case "app_events" -> !p.app.isEmpty();
      case "contact_centre_calls" -> !p.calls.isEmpty();
      case "email_events" -> !p.emails.isEmpty();
      case "shop_orders" -> !p.orders.isEmpty();
      case "shop_deliveries" -> unsurveyedDelivery(p) >= 0;
      case "survey_responses" ->
          kind == Kind.SURVEY_DUPLICATE
              ? !p.responses.isEmpty()
              : p.crm != null && p.phoneHash() != null && p.emailHash() != null;
      case "crm_customers" -> p.crm != null;
      case "identity_links" ->
          p.crm != null && !p.links.isEmpty() && !sharedUsers.contains(p.index);
      default -> false;
    };
  }

  private int unsurveyedDelivery(PersonData p) {
    for (int i = 0; i < p.deliveries.size(); i++) {
      String id = p.deliveries.get(i).id();
      boolean surveyed = false;
      for (Scored s : p.responses) {
        surveyed |= id.equals(s.response().caseRef());
      }
      if (!surveyed) {
        return i;
      }
    }
    return -1;
  }

  private void record(Kind kind, String file, String match) {
    planted.add(new BadRow(kind.source, file, match, kind.reason));
  }

  private <T> T template(List<T> list, Function<T, String> id) {
    for (int attempt = 0; attempt < 50; attempt++) {
      T candidate = Rng.oneOf(rng, list);
      if (usedTemplates.add(id.apply(candidate))) {
        return candidate;
      }
    }
    return Rng.oneOf(rng, list);
  }

  private long later(long ts) {
    return ts + Rng.between(rng, 1 * HOUR, 5 * HOUR);
  }

  private void plant(Kind kind, PersonData p) throws IOException {
    Spool.Target target = targets.get(kind.source);
    switch (kind.source) {
      case "web_clickstream" -> plantWeb(kind, p, target);
      case "app_events" -> plantApp(kind, p, target);
      case "contact_centre_calls" -> plantCall(kind, p, target);
      case "email_events" -> plantEmail(kind, p, target);
      case "shop_orders" -> plantOrder(kind, p, target);
      case "shop_deliveries" -> {
        int i = unsurveyedDelivery(p);
        Delivery d = p.deliveries.get(i);
        p.deliveries.set(
            i,
            new Delivery(
                "", d.orderId(), d.customer(), d.promised(), d.deliveredTs(), d.carrier()));
        record(kind, spoolFile(target, d.deliveredTs()), d.orderId());
      }
      case "survey_responses" -> plantSurvey(kind, p, target);
      case "crm_customers" -> plantCrm(kind, p, target);
      default -> {
        Link first = p.links.get(0);
        p.links.clear();
        p.links.add(new Link(first.type(), "", first.customer(), first.ts()));
        record(kind, spoolFile(target, first.ts()), first.customer());
      }
    }
  }

  private String spoolFile(Spool.Target target, long ts) {
    return target.daily()
        ? target.pathPattern().replace("{date}", time.date(time.dayIndex(ts)).toString())
        : target.pathPattern();
  }

  private void plantWeb(Kind kind, PersonData p, Spool.Target target) throws IOException {
    WebEvent t = template(p.web, WebEvent::id);
    String badId = String.format("web-bad-%04d", ++webBad);
    switch (kind) {
      case WEB_MALFORMED_1, WEB_MALFORMED_2 -> {
        String line = formats.web(withId(t, badId, t.session(), t.ts()));
        int cut = Math.min(line.length() - 1, line.indexOf("\"context\"") + 27);
        record(kind, spool.add(target, t.ts(), line.substring(0, cut)), badId);
      }
      case WEB_MISSING_ID -> {
        String session = String.format("ws-bad-%04d", webBad);
        record(
            kind,
            spool.add(target, t.ts(), formats.web(withId(t, null, session, t.ts()))),
            session);
      }
      case WEB_FUTURE -> {
        WebEvent future = withId(t, badId, t.session(), TimeModel.withYear(t.ts(), 2031));
        record(kind, spool.add(target, t.ts(), formats.web(future)), badId);
      }
      default -> record(kind, spool.add(target, later(t.ts()), formats.web(t)), t.id());
    }
  }

  private static WebEvent withId(WebEvent t, String id, String session, long ts) {
    return new WebEvent(
        id,
        ts,
        "page_view",
        t.cookie(),
        t.customerId(),
        session,
        t.page(),
        t.userAgent(),
        Records.props(),
        null);
  }

  private void plantApp(Kind kind, PersonData p, Spool.Target target) throws IOException {
    AppEvent t = template(p.app, AppEvent::uuid);
    String uuid = Rng.uuid(rng);
    AppEvent copy =
        new AppEvent(
            uuid,
            t.device(),
            t.user(),
            t.ts(),
            t.screen(),
            t.action(),
            t.status(),
            t.version(),
            t.os());
    Map<String, Object> m = formats.appMap(copy);
    switch (kind) {
      case APP_MALFORMED -> {
        String line = formats.json(m);
        record(
            kind,
            spool.add(target, t.ts(), line.substring(0, line.indexOf("\"event_time_ms\"") + 9)),
            uuid);
      }
      case APP_BAD_TYPE -> {
        m.put("event_time_ms", "yesterday");
        record(kind, spool.add(target, t.ts(), formats.json(m)), uuid);
      }
      case APP_MISSING_TIMESTAMP -> {
        m.put("event_time_ms", null);
        record(kind, spool.add(target, t.ts(), formats.json(m)), uuid);
      }
      case APP_NO_IDENTIFIER -> {
        m.put("device_id", null);
        m.put("user", null);
        record(kind, spool.add(target, t.ts(), formats.json(m)), uuid);
      }
      default -> record(kind, spool.add(target, later(t.ts()), formats.app(t)), t.uuid());
    }
  }

  private void plantCall(Kind kind, PersonData p, Spool.Target target) throws IOException {
    Call t = template(p.calls, Call::id);
    String[] f = RawFormats.callFields(t);
    if (kind == Kind.CALL_DUPLICATE) {
      record(kind, spool.add(target, later(t.ts()), RawFormats.semicolons(f)), t.id());
      return;
    }
    String badId = String.format("call-bad-%04d", ++callBad);
    f[0] = badId;
    String match = badId;
    String line;
    switch (kind) {
      case CALL_EXTRA_FIELD -> line = RawFormats.semicolons(f) + ";callback_requested";
      case CALL_MISSING_FIELDS -> line = RawFormats.semicolons(Arrays.copyOf(f, 7));
      case CALL_BAD_TIMESTAMP -> {
        f[1] = "31.09.2026 25:61";
        line = RawFormats.semicolons(f);
      }
      case CALL_MISSING_ID -> {
        f[0] = "";
        match = String.format("team-bad-%04d", callBad);
        f[7] = match;
        line = RawFormats.semicolons(f);
      }
      default -> {
        f[4] = "two";
        line = RawFormats.semicolons(f);
      }
    }
    record(kind, spool.add(target, t.ts(), line), match);
  }

  private void plantEmail(Kind kind, PersonData p, Spool.Target target) throws IOException {
    EmailEvent t = template(p.emails, EmailEvent::id);
    String[] f = RawFormats.emailFields(t);
    if (kind == Kind.EMAIL_DUPLICATE) {
      record(kind, spool.add(target, later(t.ts()), RawFormats.csv(f)), t.id());
      return;
    }
    String badId = String.format("em-bad-%04d", ++emailBad);
    f[0] = badId;
    f[4] = "not-a-date";
    record(kind, spool.add(target, t.ts(), RawFormats.csv(f)), badId);
  }

  private void plantOrder(Kind kind, PersonData p, Spool.Target target) throws IOException {
    Order t = template(p.orders, Order::id);
    String badId = String.format("ord-bad-%04d", ++orderBad);
    String[] f = RawFormats.orderFields(t);
    String line =
        kind == Kind.ORDER_BAD_TYPE
            ? String.join(",", badId, f[1], f[2], f[3], "\"12,50\"", f[5])
            : String.join(",", badId, f[1], f[2], f[3], f[4]);
    record(kind, spool.add(target, t.ts(), line), badId);
  }

  private void plantSurvey(Kind kind, PersonData p, Spool.Target target) throws IOException {
    if (kind == Kind.SURVEY_DUPLICATE) {
      Response t = template(p.responses, s -> s.response().id()).response();
      record(
          kind,
          spool.add(target, later(t.ts()), RawFormats.csv(RawFormats.responseFields(t))),
          t.id());
      return;
    }
    String badId = String.format("resp-bad-%04d", ++responseBad);
    long ts = time.sampleTime(rng, TimeModel.ONLINE_HOURS);
    String c = p.customerId;
    Response r =
        switch (kind) {
          case SURVEY_CSAT_RANGE ->
              new Response(
                  badId,
                  ts,
                  c,
                  null,
                  null,
                  "app_rating_csat",
                  "CSAT",
                  0,
                  "",
                  p.lang,
                  "sovellus",
                  "billing",
                  "",
                  null);
          case SURVEY_CES_RANGE ->
              new Response(
                  badId,
                  ts,
                  null,
                  null,
                  p.phoneHash(),
                  "post_call_ces",
                  "CES",
                  9,
                  "",
                  p.lang,
                  "puhelin",
                  "billing",
                  p.calls.isEmpty() ? "" : p.calls.get(0).id(),
                  null);
          case SURVEY_UNKNOWN_CHANNEL ->
              new Response(
                  badId,
                  ts,
                  c,
                  null,
                  null,
                  "relationship_nps",
                  "NPS",
                  8,
                  "",
                  p.lang,
                  "faksi",
                  "relationship",
                  "",
                  null);
          case SURVEY_FUTURE ->
              new Response(
                  badId,
                  TimeModel.withYear(ts, 2030),
                  c,
                  null,
                  null,
                  "relationship_nps",
                  "NPS",
                  9,
                  "",
                  p.lang,
                  "verkko",
                  "relationship",
                  "",
                  null);
          case SURVEY_NPS_RANGE ->
              new Response(
                  badId,
                  ts,
                  c,
                  null,
                  null,
                  "relationship_nps",
                  "NPS",
                  11,
                  "",
                  p.lang,
                  "verkko",
                  "relationship",
                  "",
                  null);
          default ->
              new Response(
                  badId,
                  ts,
                  c,
                  p.emailHash(),
                  null,
                  "relationship_nps",
                  "NPS",
                  7,
                  "",
                  p.lang,
                  "verkko",
                  "relationship",
                  "",
                  null);
        };
    String[] f = RawFormats.responseFields(r);
    if (kind == Kind.SURVEY_MISSING_TIMESTAMP) {
      f[1] = "";
    } else if (kind == Kind.SURVEY_BAD_TYPE) {
      f[7] = "ten";
    }
    record(kind, spool.add(target, ts, RawFormats.csv(f)), badId);
  }

  private void plantCrm(Kind kind, PersonData p, Spool.Target target) throws IOException {
    Customer c = p.crm;
    if (kind == Kind.CRM_DUPLICATE) {
      record(
          kind,
          spool.add(
              target, 0, (p.index + 3L) * 4 + 2, RawFormats.csv(RawFormats.customerFields(c))),
          c.number());
      return;
    }
    Customer missing =
        new Customer(
            "",
            c.segment(),
            c.region(),
            LocalDate.of(1999, 12, 31),
            c.tier(),
            c.marketingConsent(),
            c.surveyConsent());
    record(
        kind,
        spool.add(target, 0, p.index * 4L + 1, RawFormats.csv(RawFormats.customerFields(missing))),
        "1999-12-31");
  }
}
