package io.polku.rootcause.signals;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.polku.analysis.JourneySignal;
import org.apache.spark.sql.Column;

/**
 * The example {@link JourneySignal}: the rated contact's call was transferred between IVR queues
 * two or more times. The rated contact is the last phone step in {@code last_steps}; its {@code
 * properties['queue_transfers']} (the contact-centre export's count) must be at least 2. Responses
 * without a phone step, or whose step has no such property, do not have the condition.
 */
public final class IvrQueueTransfersSignal implements JourneySignal {
  /** The smallest number of transfers that counts. */
  public static final int MIN_TRANSFERS = 2;

  @Override
  public String name() {
    return "ivr_queue_transfers";
  }

  @Override
  public Column condition() {
    Column phoneSteps = filter(col("last_steps"), s -> s.getField("channel").equalTo("phone"));
    Column last = element_at(phoneSteps, -1);
    Column transfers = last.getField("properties").getItem("queue_transfers").cast("int");
    return when(size(phoneSteps).gt(0), transfers.geq(lit(MIN_TRANSFERS))).otherwise(lit(false));
  }

  @Override
  public String phrase(String value) {
    return "after a call transferred between queues " + MIN_TRANSFERS + "+ times";
  }
}
