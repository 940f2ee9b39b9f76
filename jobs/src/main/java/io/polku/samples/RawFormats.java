package io.polku.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.samples.Records.AppEvent;
import io.polku.samples.Records.Call;
import io.polku.samples.Records.Customer;
import io.polku.samples.Records.Delivery;
import io.polku.samples.Records.DeliveryException;
import io.polku.samples.Records.EmailEvent;
import io.polku.samples.Records.Link;
import io.polku.samples.Records.Order;
import io.polku.samples.Records.Response;
import io.polku.samples.Records.WebEvent;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Encodes records in the exact text shapes of the raw sources (JSON lines, ';' and ',' CSV). */
final class RawFormats {

  static final String CALLS_HEADER =
      "call_id;started_at;caller_phone_sha256;ivr_path;"
          + "queue_transfers;topic;resolved;agent_team;duration_s";
  static final String EMAIL_HEADER = "event_id,email_sha256,campaign,event,occurred_at";
  static final String ORDERS_HEADER = "order_id,customer_number,ordered_at,status,amount_eur,items";
  static final String DELIVERIES_HEADER =
      "delivery_id,order_id,customer_number,promised_date,delivered_at,carrier";
  static final String DELIVERY_EXCEPTIONS_HEADER =
      "exception_id,delivery_id,order_id,customer_number,carrier,reported_at,exception";
  static final String SURVEYS_HEADER =
      "response_id,submitted_at,customer_number,email_sha256,"
          + "phone_sha256,survey,question,score,comment,lang,rated_channel,touchpoint,case_ref,"
          + "chat_visitor_id";
  static final String CRM_HEADER =
      "customer_number,segment,region,customer_since,value_tier,"
          + "marketing_consent,survey_consent";
  static final String LINKS_HEADER = "link_type,from_id,customer_number,observed_at";

  private final ObjectMapper mapper = new ObjectMapper();

  /** The JSON object of a web clickstream line (field order as in the real export). */
  Map<String, Object> webMap(WebEvent e) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("cookie_id", e.cookie());
    context.put("customer_id", e.customerId());
    context.put("session_id", e.session());
    context.put("page", e.page());
    context.put("user_agent", e.userAgent());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("ts", TimeModel.isoMillis(e.ts()));
    m.put("type", e.type());
    m.put("context", context);
    m.put("props", e.props());
    m.put("result", e.result());
    return m;
  }

  /** The JSON object of an app event line; {@code event_time_ms} is a JSON number. */
  Map<String, Object> appMap(AppEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event_uuid", e.uuid());
    m.put("device_id", e.device());
    m.put("user", e.user());
    m.put("event_time_ms", e.ts());
    m.put("screen", e.screen());
    m.put("action", e.action());
    m.put("status", e.status());
    m.put("app_version", e.version());
    m.put("os", e.os());
    return m;
  }

  String json(Map<String, Object> value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  String web(WebEvent e) {
    return json(webMap(e));
  }

  String app(AppEvent e) {
    return json(appMap(e));
  }

  static String[] callFields(Call c) {
    return new String[] {
      c.id(),
      TimeModel.helsinkiLocal(c.ts()),
      c.phoneHash(),
      c.ivrPath(),
      Integer.toString(c.transfers()),
      c.topic(),
      c.resolved() ? "Y" : "N",
      c.team(),
      Integer.toString(c.durationS())
    };
  }

  static String[] emailFields(EmailEvent e) {
    return new String[] {
      e.id(), e.emailHash(), e.campaign(), e.event(), TimeModel.helsinkiOffset(e.ts())
    };
  }

  static String[] orderFields(Order o) {
    return new String[] {
      o.id(),
      o.customer(),
      TimeModel.isoSeconds(o.ts()),
      o.status(),
      String.format(Locale.ROOT, "%d.%02d", o.amountCents() / 100, o.amountCents() % 100),
      Integer.toString(o.items())
    };
  }

  static String[] deliveryFields(Delivery d) {
    return new String[] {
      d.id(),
      d.orderId(),
      d.customer(),
      d.promised().toString(),
      TimeModel.isoSeconds(d.deliveredTs()),
      d.carrier()
    };
  }

  static String[] deliveryExceptionFields(DeliveryException x) {
    return new String[] {
      x.id(),
      x.deliveryId(),
      x.orderId(),
      x.customer(),
      x.carrier(),
      TimeModel.isoSeconds(x.ts()),
      x.exception()
    };
  }

  static String[] responseFields(Response r) {
    return new String[] {
      r.id(),
      TimeModel.isoSeconds(r.ts()),
      nz(r.customer()),
      nz(r.emailHash()),
      nz(r.phoneHash()),
      r.survey(),
      r.question(),
      Integer.toString(r.score()),
      r.comment(),
      r.lang(),
      r.ratedChannel(),
      r.touchpoint(),
      r.caseRef(),
      nz(r.visitorId())
    };
  }

  static String[] customerFields(Customer c) {
    return new String[] {
      c.number(),
      c.segment(),
      c.region(),
      c.since().toString(),
      c.tier(),
      Boolean.toString(c.marketingConsent()),
      Boolean.toString(c.surveyConsent())
    };
  }

  static String[] linkFields(Link l) {
    return new String[] {l.type(), l.fromId(), l.customer(), TimeModel.isoSeconds(l.ts())};
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Joins fields with ';' (the contact-centre export never needs quoting). */
  static String semicolons(String... fields) {
    return String.join(";", fields);
  }

  /** Joins fields with ',' using RFC-4180 quoting where a field needs it. */
  static String csv(String... fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      String f = fields[i];
      if (f.indexOf(',') >= 0
          || f.indexOf('"') >= 0
          || f.indexOf('\n') >= 0
          || f.indexOf('\r') >= 0) {
        sb.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(f);
      }
    }
    return sb.toString();
  }
}
