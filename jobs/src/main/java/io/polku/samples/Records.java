package io.polku.samples;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The in-memory shapes of one person's generated behaviour before it is written as raw text. */
final class Records {

  private Records() {}

  /** Builds an insertion-ordered string map from key/value pairs. */
  static Map<String, String> props(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  record WebEvent(
      String id,
      long ts,
      String type,
      String cookie,
      String customerId,
      String session,
      String page,
      String userAgent,
      Map<String, String> props,
      String result) {}

  record AppEvent(
      String uuid,
      String device,
      String user,
      long ts,
      String screen,
      String action,
      String status,
      String version,
      String os) {}

  record Call(
      String id,
      long ts,
      String phoneHash,
      String ivrPath,
      int transfers,
      String topic,
      boolean resolved,
      String team,
      int durationS) {
    long endTs() {
      return ts + durationS * TimeModel.SECOND;
    }
  }

  /** A web chat (chat_started .. chat_ended), used to trigger the chat CSAT survey. */
  record Chat(long startTs, long endTs, String customerId, String topic, String cookie) {}

  record EmailEvent(String id, String emailHash, String campaign, String event, long ts) {}

  record Order(String id, String customer, long ts, String status, int amountCents, int items) {}

  record Delivery(
      String id,
      String orderId,
      String customer,
      LocalDate promised,
      long deliveredTs,
      String carrier) {
    boolean late() {
      return TimeModel.utcDate(deliveredTs).isAfter(promised);
    }
  }

  /**
   * A carrier's report that a parcel will never be delivered (lost in transit or returned to the
   * sender); the delivery has no row in deliveries.csv.
   */
  record DeliveryException(
      String id,
      String deliveryId,
      String orderId,
      String customer,
      String carrier,
      long ts,
      String exception) {}

  record Response(
      String id,
      long ts,
      String customer,
      String emailHash,
      String phoneHash,
      String survey,
      String question,
      int score,
      String comment,
      String lang,
      String ratedChannel,
      String touchpoint,
      String caseRef,
      String visitorId) {}

  record Link(String type, String fromId, String customer, long ts) {}

  record Customer(
      String number,
      String segment,
      String region,
      LocalDate since,
      String tier,
      boolean marketingConsent,
      boolean surveyConsent) {}

  /**
   * A scored survey response with what the generator knows about it: the scenario whose trigger
   * really happened in this person's events before it (null if none; S3 and S5 never both), whether
   * the score is critical, and whether the person opened a newsletter shortly before.
   */
  record Scored(
      Response response,
      Surveys.Survey survey,
      Surveys.Scenario trigger,
      boolean critical,
      boolean newsletterOpened) {}

  /** Everything generated for one person (a customer or an anonymous prospect). */
  static final class PersonData {
    final int index;
    final String personId;
    final String customerId;
    Customer crm;
    String lang = "fi";
    double activity = 1.0;
    double responseRate;
    double newsletterAffinity;
    final List<String> cookies = new ArrayList<>();
    final List<String> devices = new ArrayList<>();
    final List<String> phoneHashes = new ArrayList<>();
    final List<String> emailHashes = new ArrayList<>();
    final List<WebEvent> web = new ArrayList<>();
    final List<Chat> chats = new ArrayList<>();
    final List<AppEvent> app = new ArrayList<>();
    final List<Call> calls = new ArrayList<>();
    final List<EmailEvent> emails = new ArrayList<>();
    final List<Order> orders = new ArrayList<>();
    final List<Delivery> deliveries = new ArrayList<>();
    final List<DeliveryException> deliveryExceptions = new ArrayList<>();
    final List<Scored> responses = new ArrayList<>();
    final List<Link> links = new ArrayList<>();

    PersonData(int index, String customerId) {
      this.index = index;
      this.personId = String.format("P%06d", index);
      this.customerId = customerId;
    }

    String phoneHash() {
      return phoneHashes.isEmpty() ? null : phoneHashes.get(0);
    }

    String emailHash() {
      return emailHashes.isEmpty() ? null : emailHashes.get(0);
    }
  }
}
