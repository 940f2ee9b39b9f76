package io.polku.journey;

import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * The single ordered pass over a partition of the customer timeline, sorted by customer, time, kind
 * (events before responses at the same instant) and id. Walks each customer's rows once, keeping
 * only bounded state (the current session and journey, the last K steps, the last failure, the last
 * assisted contact per touchpoint) and emits one row per journey and one per response (see {@link
 * JourneyTransforms#PASS_SCHEMA}).
 *
 * <p>Memory per task is bounded by the number of distinct touchpoints of one customer and the
 * configured caps, never by the length of a customer's history.
 */
final class JourneyPass implements MapPartitionsFunction<Row, Row> {
  private static final long MICROS_PER_HOUR = 3_600_000_000L;

  private final JourneyOptions o;
  private final int iKey;
  private final int iTs;
  private final int iKind;
  private final int iId;
  private final int iChannel;
  private final int iType;
  private final int iOutcome;
  private final int iTouchpoint;
  private final int iSession;
  private final int iProperties;
  private final int iSurvey;
  private final int iMetric;
  private final int iScore;
  private final int iMin;
  private final int iMax;
  private final int iComment;
  private final int iLanguage;

  JourneyPass(JourneyOptions options, StructType timeline) {
    this.o = options;
    iKey = timeline.fieldIndex("customer_key");
    iTs = timeline.fieldIndex("ts");
    iKind = timeline.fieldIndex("kind");
    iId = timeline.fieldIndex("row_id");
    iChannel = timeline.fieldIndex("channel");
    iType = timeline.fieldIndex("event_type");
    iOutcome = timeline.fieldIndex("outcome");
    iTouchpoint = timeline.fieldIndex("touchpoint");
    iSession = timeline.fieldIndex("session_id");
    iProperties = timeline.fieldIndex("properties");
    iSurvey = timeline.fieldIndex("survey");
    iMetric = timeline.fieldIndex("metric");
    iScore = timeline.fieldIndex("score");
    iMin = timeline.fieldIndex("scale_min");
    iMax = timeline.fieldIndex("scale_max");
    iComment = timeline.fieldIndex("comment");
    iLanguage = timeline.fieldIndex("language");
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Iterator<>() {
      private final ArrayDeque<Row> out = new ArrayDeque<>();
      private Customer current;

      @Override
      public boolean hasNext() {
        while (out.isEmpty()) {
          if (!input.hasNext()) {
            if (current != null) {
              current.closeJourney(out);
              current = null;
            }
            return false;
          }
          Row r = input.next();
          String key = r.getString(iKey);
          if (current == null || !java.util.Objects.equals(current.key, key)) {
            if (current != null) {
              current.closeJourney(out);
            }
            current = new Customer(key);
          }
          current.accept(r, out);
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.poll();
      }
    };
  }

  static long micros(Timestamp ts) {
    Instant i = ts.toInstant();
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  static LocalDate utcDate(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L))
        .atZone(ZoneOffset.UTC)
        .toLocalDate();
  }

  private static Timestamp timestamp(long micros) {
    Timestamp t = new Timestamp(Math.floorDiv(micros, 1000L));
    t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
    return t;
  }

  private static <T> scala.collection.Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBuffer(list).toSeq();
  }

  /** One behavioural step. */
  private record Step(
      long ts,
      String channel,
      String type,
      String outcome,
      String touchpoint,
      String session,
      scala.collection.Map<String, String> properties) {
    Row toRow() {
      return RowFactory.create(timestamp(ts), channel, type, outcome, touchpoint, properties);
    }
  }

  /** The state of one customer while the pass walks their rows. */
  private final class Customer {
    private final String key;
    private Step last;
    private final ArrayDeque<Step> recent = new ArrayDeque<>();
    private Step lastFailure;
    private final Map<String, Step> lastFailureByChannel = new HashMap<>();
    private final Map<String, Long> lastAssisted = new HashMap<>();
    private Journey journey;

    Customer(String key) {
      this.key = key;
    }

    void accept(Row r, ArrayDeque<Row> out) {
      long ts = micros(r.getTimestamp(iTs));
      if (key == null) {
        // Unresolved identity: never pool such rows into one history.
        if (r.getInt(iKind) == 1) {
          response(r, ts, out);
        }
        return;
      }
      if (r.getInt(iKind) == 0) {
        step(
            new Step(
                ts,
                r.getString(iChannel),
                r.getString(iType),
                r.getString(iOutcome),
                r.getString(iTouchpoint),
                r.getString(iSession),
                r.isNullAt(iProperties) ? null : r.getMap(iProperties)),
            out);
      } else {
        response(r, ts, out);
      }
    }

    private void step(Step s, ArrayDeque<Row> out) {
      boolean newSession =
          last == null
              || !java.util.Objects.equals(last.channel(), s.channel())
              || (last.session() != null && s.session() != null
                  ? !last.session().equals(s.session())
                  : s.ts() - last.ts() > o.sessionGapMicros());
      boolean newJourney =
          last == null
              || (last.type() != null && o.splitEventTypes().contains(last.type()))
              || (newSession && s.ts() - last.ts() >= o.journeyGapMicros());
      if (newJourney) {
        closeJourney(out);
        journey = new Journey(s);
      } else {
        journey.add(s, newSession);
      }
      boolean assisted = o.assistedChannels().contains(s.channel());
      if (assisted && newSession) {
        String topic = String.valueOf(s.touchpoint());
        Long previous = lastAssisted.get(topic);
        if (previous != null && s.ts() - previous <= o.repeatWindowMicros()) {
          journey.repeat = true;
        }
        lastAssisted.put(topic, s.ts());
        journey.assistedContacts++;
      }
      if (isFailure(s)) {
        lastFailure = s;
        lastFailureByChannel.put(String.valueOf(s.channel()), s);
      }
      recent.addLast(s);
      if (recent.size() > o.contextSteps()) {
        recent.removeFirst();
      }
      last = s;
    }

    private void response(Row r, long ts, ArrayDeque<Row> out) {
      LocalDate day = utcDate(ts);
      if (day.isBefore(o.responsesFrom()) || day.isAfter(o.responsesTo())) {
        return;
      }
      boolean history = last != null && ts - last.ts() <= o.lookbackMicros();
      List<Row> steps = new ArrayList<>();
      if (history) {
        for (Step s : recent) {
          if (ts - s.ts() <= o.lookbackMicros()) {
            steps.add(s.toRow());
          }
        }
      }
      boolean failure =
          history && lastFailure != null && ts - lastFailure.ts() <= o.lookbackMicros();
      Step upstream = null;
      if (history) {
        String rated = String.valueOf(r.getString(iChannel));
        for (Map.Entry<String, Step> e : lastFailureByChannel.entrySet()) {
          Step f = e.getValue();
          if (!e.getKey().equals(rated)
              && ts - f.ts() <= o.lookbackMicros()
              && (upstream == null || f.ts() > upstream.ts())) {
            upstream = f;
          }
        }
      }
      Row context =
          RowFactory.create(
              r.getString(iId),
              r.getTimestamp(iTs),
              Date.valueOf(day),
              key,
              r.getString(iChannel),
              r.getString(iTouchpoint),
              r.getString(iSurvey),
              r.getString(iMetric),
              r.isNullAt(iScore) ? null : r.getDouble(iScore),
              r.isNullAt(iMin) ? null : r.getDouble(iMin),
              r.isNullAt(iMax) ? null : r.getDouble(iMax),
              r.getString(iComment),
              r.getString(iLanguage),
              history,
              history ? journey.id() : null,
              history ? journey.path() : null,
              history ? journey.steps : 0L,
              history ? last.channel() : null,
              history ? last.type() : null,
              failure ? lastFailure.channel() : null,
              failure ? lastFailure.touchpoint() : null,
              failure ? lastFailure.type() : null,
              failure ? (ts - lastFailure.ts()) / (double) MICROS_PER_HOUR : null,
              upstream == null ? null : upstream.channel(),
              upstream == null ? null : upstream.touchpoint(),
              upstream == null ? null : upstream.type(),
              upstream == null ? null : (ts - upstream.ts()) / (double) MICROS_PER_HOUR,
              history ? journey.switches : 0L,
              history ? journey.handoffs : 0L,
              history ? journey.failures : 0L,
              history ? (ts - journey.start) / (double) MICROS_PER_HOUR : null,
              history ? journey.peak : 0L,
              history ? last.outcome() : null,
              history ? seq(steps) : seq(Collections.<Row>emptyList()));
      out.add(RowFactory.create(null, context));
    }

    void closeJourney(ArrayDeque<Row> out) {
      if (journey == null) {
        return;
      }
      LocalDate day = utcDate(journey.start);
      if (!day.isBefore(o.journeysFrom()) && !day.isAfter(o.journeysTo())) {
        out.add(RowFactory.create(journey.toRow(key, day), null));
      }
      journey = null;
    }

    /** A journey being built. */
    private final class Journey {
      private final long start;
      private long end;
      private long steps = 1;
      private long sessions = 1;
      private final List<String> head = new ArrayList<>();
      private final ArrayDeque<String> tail = new ArrayDeque<>();
      private long pathLength;
      private final String firstChannel;
      private String lastChannel;
      private long switches;
      private long handoffs;
      private long failures;
      private final List<Row> failureSteps = new ArrayList<>();
      private final LinkedHashSet<String> topics = new LinkedHashSet<>();
      private long assistedContacts;
      private boolean repeat;
      private long peak;
      private Step peakStep;
      private String endOutcome;
      private String id;

      Journey(Step first) {
        start = first.ts();
        firstChannel = first.channel();
        appendPath(first.channel());
        observe(first);
      }

      void add(Step s, boolean newSession) {
        steps++;
        if (newSession) {
          sessions++;
        }
        if (!java.util.Objects.equals(lastChannel, s.channel())) {
          switches++;
          appendPath(s.channel());
          if (o.assistedChannels().contains(s.channel())) {
            handoffs++;
          }
        }
        observe(s);
      }

      private void observe(Step s) {
        end = s.ts();
        lastChannel = s.channel();
        endOutcome = s.outcome();
        if (s.touchpoint() != null && topics.size() < JourneyOptions.MAX_TOPICS) {
          topics.add(s.touchpoint());
        }
        long severity = severity(s);
        if (severity > 0 && isFailure(s)) {
          failures++;
          if (failureSteps.size() < JourneyOptions.MAX_FAILURE_STEPS) {
            failureSteps.add(s.toRow());
          }
        }
        if (severity > peak) {
          peak = severity;
          peakStep = s;
        }
      }

      private void appendPath(String channel) {
        pathLength++;
        if (head.size() < 10) {
          head.add(channel);
        } else {
          tail.addLast(channel);
          if (tail.size() > JourneyOptions.MAX_PATH - 10) {
            tail.removeFirst();
          }
        }
      }

      String path() {
        StringBuilder sb = new StringBuilder(String.join(">", head));
        if (pathLength > head.size() + tail.size()) {
          sb.append(">…");
        }
        for (String c : tail) {
          sb.append('>').append(c);
        }
        return sb.toString();
      }

      String id() {
        if (id == null) {
          id =
              "j_"
                  + UUID.nameUUIDFromBytes((key + "|" + start).getBytes(StandardCharsets.UTF_8))
                      .toString()
                      .replace("-", "");
        }
        return id;
      }

      Row toRow(String customerKey, LocalDate day) {
        return RowFactory.create(
            id(),
            customerKey,
            Date.valueOf(day),
            timestamp(start),
            timestamp(end),
            (end - start) / 60_000_000.0,
            steps,
            sessions,
            path(),
            firstChannel,
            lastChannel,
            switches,
            handoffs,
            failures,
            seq(failureSteps),
            seq(new ArrayList<>(topics)),
            o.assistedChannels().contains(lastChannel),
            assistedContacts,
            repeat,
            peak,
            peakStep == null ? null : peakStep.toRow(),
            endOutcome,
            failures == 0 && assistedContacts == 0);
      }
    }
  }

  /** A failing step: outcome failure or abandoned, or an error event. */
  static boolean isFailure(String outcome, String type) {
    return "failure".equals(outcome) || "abandoned".equals(outcome) || "error".equals(type);
  }

  private static boolean isFailure(Step s) {
    return isFailure(s.outcome(), s.type());
  }

  /** 3 failure, 2 abandoned or error, 1 assisted contact, 0 otherwise. */
  private long severity(Step s) {
    if ("failure".equals(s.outcome())) {
      return 3;
    }
    if ("abandoned".equals(s.outcome()) || "error".equals(s.type())) {
      return 2;
    }
    return o.assistedChannels().contains(s.channel()) ? 1 : 0;
  }
}
