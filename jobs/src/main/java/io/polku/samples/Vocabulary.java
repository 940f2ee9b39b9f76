package io.polku.samples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Word lists of the sample world: pages, queries, user agents, regions and survey comments. */
final class Vocabulary {

  private Vocabulary() {}

  static final String[] TOPICS = {
    "billing", "contract", "technical_issue", "delivery", "returns", "account"
  };
  static final double[] CALL_TOPIC_WEIGHTS = {30, 15, 20, 15, 8, 12};

  static final Map<String, String[]> PAGES = new LinkedHashMap<>();
  static final Map<String, String> FORMS = new LinkedHashMap<>();
  static final Map<String, String[]> QUERIES_FI = new LinkedHashMap<>();
  static final Map<String, String[]> QUERIES_EN = new LinkedHashMap<>();
  static final Map<String, String> TEAMS = new LinkedHashMap<>();

  static {
    PAGES.put(
        "billing", new String[] {"/billing/invoice", "/billing/payment", "/billing/e-invoice"});
    PAGES.put("contract", new String[] {"/contract/overview", "/contract/change"});
    PAGES.put("technical_issue", new String[] {"/support/technical", "/support/router"});
    PAGES.put("delivery", new String[] {"/orders/track", "/orders/history"});
    PAGES.put("returns", new String[] {"/returns", "/returns/label"});
    PAGES.put("account", new String[] {"/account/profile", "/account/password"});
    PAGES.put(
        "products",
        new String[] {"/shop/fibre-200", "/shop/mobile-unlimited", "/shop/cart", "/shop/routers"});

    FORMS.put("billing", "invoice_payment");
    FORMS.put("contract", "contract_change");
    FORMS.put("technical_issue", "fault_report");
    FORMS.put("delivery", "delivery_change");
    FORMS.put("returns", "return_request");
    FORMS.put("account", "address_change");

    QUERIES_FI.put(
        "billing",
        new String[] {
          "lasku erääntynyt", "laskun maksu", "e-lasku", "eräpäivän siirto", "maksumuistutus"
        });
    QUERIES_FI.put(
        "contract",
        new String[] {"sopimuksen irtisanominen", "liittymän vaihto", "määräaikainen sopimus"});
    QUERIES_FI.put(
        "technical_issue", new String[] {"reititin ei toimi", "netti katkeilee", "vikailmoitus"});
    QUERIES_FI.put(
        "delivery", new String[] {"toimitus myöhässä", "paketin seuranta", "toimitusaika"});
    QUERIES_FI.put("returns", new String[] {"palautus", "palautuslappu", "vaihto-oikeus"});
    QUERIES_FI.put(
        "account", new String[] {"salasana unohtunut", "osoitteenmuutos", "tunnusten palautus"});
    QUERIES_EN.put("billing", new String[] {"invoice due date", "pay invoice", "e-invoice"});
    QUERIES_EN.put("contract", new String[] {"cancel contract", "change subscription"});
    QUERIES_EN.put("technical_issue", new String[] {"router not working", "slow internet"});
    QUERIES_EN.put("delivery", new String[] {"track parcel", "delivery late"});
    QUERIES_EN.put("returns", new String[] {"return label", "refund"});
    QUERIES_EN.put("account", new String[] {"forgot password", "change address"});

    TEAMS.put("billing", "billing_team_");
    TEAMS.put("contract", "sales_team_");
    TEAMS.put("technical_issue", "tech_support_");
    TEAMS.put("delivery", "logistics_team_");
    TEAMS.put("returns", "logistics_team_");
    TEAMS.put("account", "customer_care_");
  }

  static final String[] USER_AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/128.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15"
        + " (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/128.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/127.0.0.0 Safari/537.36"
  };

  static final String[] REGIONS = {
    "Uusimaa",
    "Pirkanmaa",
    "Varsinais-Suomi",
    "Pohjois-Pohjanmaa",
    "Keski-Suomi",
    "Pohjois-Savo",
    "Satakunta",
    "Päijät-Häme",
    "Lappi",
    "Kanta-Häme",
    "Etelä-Pohjanmaa",
    "Kymenlaakso",
    "Pohjanmaa",
    "Pohjois-Karjala",
    "Etelä-Savo",
    "Kainuu",
    "Etelä-Karjala"
  };
  static final double[] REGION_WEIGHTS = {
    32, 10, 9, 8, 5, 5, 4, 4, 3, 3, 3.5, 3, 3, 3, 2.5, 1.3, 2.2
  };

  static final String[] CARRIERS = {"Posti", "Matkahuolto", "DB Schenker", "Budbee"};
  static final double[] CARRIER_WEIGHTS = {50, 30, 10, 10};

  static final String[] FIRST_NAMES = {
    "aino", "eero", "helmi", "juha", "kaisa", "leena", "mikko", "niina", "oskari", "pekka", "sanna",
    "tuomas", "veera", "ville", "anna", "matti"
  };
  static final String[] LAST_NAMES = {
    "korhonen",
    "virtanen",
    "makinen",
    "nieminen",
    "makela",
    "hamalainen",
    "laine",
    "heikkinen",
    "koskinen",
    "jarvinen",
    "smith",
    "lindqvist"
  };
  static final String[] MAIL_DOMAINS = {"example.fi", "mail.example.com", "posti.example.net"};

  /** A search query on {@code topic} in the person's language. */
  static String query(SplittableRandom r, String topic, String lang) {
    Map<String, String[]> source = "en".equals(lang) ? QUERIES_EN : QUERIES_FI;
    return Rng.oneOf(r, source.getOrDefault(topic, source.get("billing")));
  }

  static String page(SplittableRandom r, String topic) {
    return Rng.oneOf(r, PAGES.get(topic));
  }

  // ---- survey comments -------------------------------------------------------------------

  private static final Map<String, List<String>> COMMENTS = new LinkedHashMap<>();

  static {
    comments(
        "S1",
        "fi",
        "Sovelluksessa laskun maksu ei onnistunut, joten soitin",
        "Yritin maksaa laskun sovelluksessa kolme kertaa, aina virhe. Jouduin soittamaan.",
        "Sovellus sanoi \"maksu epäonnistui\", joten jouduin soittamaan ja jonottamaan.",
        "Laskun maksu sovelluksessa kaatui.\nPuhelimessa asia hoitui, mutta miksi sovellus ei toimi?");
    comments(
        "S1",
        "en",
        "The app kept failing when I tried to pay my invoice, so I had to call.",
        "Payment in the app failed again. Why do I have to phone you for this?");
    comments(
        "S2",
        "fi",
        "Haku ei löytänyt mitään, joten avasin chatin.",
        "Etsin ohjetta sivuilta, ei tuloksia. Chatissa kesti ja vastaus oli ympäripyöreä.",
        "Sivuston haku on \"hyödytön\", chatissakaan ei osattu auttaa.");
    comments(
        "S2",
        "en",
        "Your search found nothing, so I opened the chat.",
        "Searched for \"cancel order\" and got zero results. Chat didn't help either.");
    comments(
        "S3",
        "fi",
        "Toimitus myöhästyi kolme päivää.",
        "Paketti tuli viikon myöhässä eikä kukaan ilmoittanut mitään.",
        "Tilaus myöhästyi.\nSeurantakoodi ei toiminut, eikä asiakaspalvelu vastannut.",
        "Luvattu toimituspäivä ei pitänyt, taas.");
    comments(
        "S3",
        "en",
        "Delivery was three days late",
        "Package arrived late, no notification, no apology.");
    comments(
        "S5",
        "fi",
        "Tilaus ei koskaan tullut perille.",
        "Paketti katosi matkalla, eikä kukaan kertonut mitään.",
        "Paketti palautui lähettäjälle, vaikka osoite oli oikein.\nRahat tulivat takaisin vasta"
            + " viikon päästä.");
    comments(
        "S5",
        "en",
        "My order never arrived.",
        "The parcel was lost and I had to chase the refund myself.");
    comments(
        "S6",
        "fi",
        "Hinnanmuutosilmoituksesta ei selvinnyt mitään, ja sopimusehdot olivat sekavat.",
        "Luin sopimusehdot sivuilta, mutta jouduin silti soittamaan hinnankorotuksesta.",
        "Miksi hinta nousee? Sähköposti ja ehdot eivät kertoneet, puhelu kesti pitkään.");
    comments(
        "S6",
        "en",
        "The price change e-mail and the contract terms made no sense, so I had to call.",
        "Read the terms page twice and still had to phone about the new price.");
    comments(
        "S7",
        "fi",
        "Iso tilaus, ja osa tuotteista puuttui paketista.",
        "Monta tuotetta, monta pakettia, eikä mikään tullut yhtä aikaa.");
    comments(
        "S7",
        "en",
        "Big order, items came in separate parcels and one was missing.",
        "Ordered several items and the delivery was a mess.");
    comments(
        "S4",
        "fi",
        "Minut siirrettiin jonosta toiseen kolme kertaa.",
        "Jonotin puoli tuntia ja asia ei ratkennut",
        "Puhelu siirrettiin monta kertaa, ja jouduin selittämään asian alusta joka kerta.");
    comments(
        "S4",
        "en",
        "I was transferred three times and had to explain everything again.",
        "Too many transfers, it took forever.");

    comments(
        "critical:phone",
        "fi",
        "Jonotin puoli tuntia ja asia ei ratkennut",
        "Asiakaspalvelija ei osannut auttaa.",
        "Sama asia jo kolmatta kertaa, ei ratkennut.");
    comments("critical:phone", "en", "Long wait, issue not solved.", "Nobody could help me.");
    comments(
        "critical:chat",
        "fi",
        "Chatbot ei ymmärtänyt kysymystä.",
        "Chatissa vastattiin vasta 20 minuutin päästä.");
    comments("critical:chat", "en", "The chat agent just sent me links to the FAQ.");
    comments(
        "critical:shop",
        "fi",
        "Tuote oli eri kuin kuvassa.",
        "Hinta muuttui kassalla, en ole tyytyväinen.");
    comments("critical:shop", "en", "Wrong item in the package.");
    comments(
        "critical:app",
        "fi",
        "Sovellus kaatuu jatkuvasti.",
        "Kirjautuminen kestää, ja sovellus on hidas.");
    comments("critical:app", "en", "App is slow, and logging in takes ages.");
    comments(
        "critical:web",
        "fi",
        "Kallis, ja laskutus on epäselvä.",
        "Hinnat nousevat koko ajan.\nHarkitsen vaihtamista.");
    comments("critical:web", "en", "Too expensive, billing is confusing.");

    comments(
        "positive:phone",
        "fi",
        "Kiitos nopeasta avusta!",
        "Asia hoitui heti.",
        "Kiitos!\nAsia ratkesi yhdellä puhelulla.");
    comments("positive:phone", "en", "Great service, thanks!");
    comments("positive:chat", "fi", "Sain vastauksen nopeasti, kiitos.", "Kiitos nopeasta avusta!");
    comments("positive:chat", "en", "Quick and friendly chat.");
    comments("positive:shop", "fi", "Toimitus tuli ajallaan.", "Kaikki meni hyvin, kiitos.");
    comments("positive:shop", "en", "Fast delivery, well packed.");
    comments("positive:app", "fi", "Sovellus toimii hyvin.", "Palvelu oli \"ihan ok\", kiitos.");
    comments("positive:app", "en", "Easy to use, thanks.");
    comments(
        "positive:web",
        "fi",
        "Hyvä palvelu, ei valittamista.",
        "Olen ollut asiakkaana pitkään, ja olen tyytyväinen.");
    comments("positive:web", "en", "Reliable, fair price.");
  }

  private static void comments(String key, String lang, String... texts) {
    COMMENTS.put(key + "/" + lang, List.of(texts));
  }

  /**
   * A comment for a response: about 40% empty; a critical response affected by an active scenario
   * usually describes that root cause, others are generic for the rated channel.
   */
  static String comment(
      SplittableRandom r,
      String lang,
      String channel,
      boolean critical,
      Surveys.Scenario activeScenario) {
    if (!Rng.chance(r, critical ? 0.8 : 0.55)) {
      return "";
    }
    String key;
    if (critical && activeScenario != null && Rng.chance(r, 0.75)) {
      key = activeScenario.name();
    } else {
      key = (critical ? "critical:" : "positive:") + channel;
    }
    List<String> pool = COMMENTS.get(key + "/" + lang);
    if (pool == null) {
      pool = COMMENTS.get(key + "/fi");
    }
    return Rng.oneOf(r, pool);
  }
}
