package io.polku.contract;

import java.util.List;

/**
 * The views BI tools should read: the supported, stable interface over the lake. Registered next to
 * the tables in every process's catalog (and so served by {@code bin/polku serve}); documented in
 * {@code docs/tables.md}. {@code ${db}} in a filter stands for the database.
 */
public final class Views {
  private Views() {}

  public static final ViewSpec LATEST_ROOT_CAUSE_SEGMENTS =
      new ViewSpec(
          "latest_root_cause_segments",
          "The ranked root-cause segments of the latest run date: what to fix first. Order by"
              + " rank (all channels) or by channel, channel_rank.",
          Tables.ROOT_CAUSE_SEGMENTS,
          "run_date = (SELECT max(run_date) FROM ${db}.root_cause_segments)");

  public static final ViewSpec LATEST_ROOT_CAUSE_EXAMPLES =
      new ViewSpec(
          "latest_root_cause_examples",
          "Example responses and their last journey steps for the segments of the latest run date;"
              + " join to latest_root_cause_segments on segment_id.",
          Tables.ROOT_CAUSE_EXAMPLES,
          "run_date = (SELECT max(run_date) FROM ${db}.root_cause_examples)");

  public static final ViewSpec LATEST_ROOT_CAUSE_DRIVERS =
      new ViewSpec(
          "latest_root_cause_drivers",
          "The key-driver model of the latest run date: odds ratio per journey condition and rated"
              + " channel with its support and the model's holdout AUC.",
          Tables.ROOT_CAUSE_DRIVERS,
          "run_date = (SELECT max(run_date) FROM ${db}.root_cause_drivers)");

  public static final ViewSpec KPI_DAILY_LAST_90_DAYS =
      new ViewSpec(
          "kpi_daily_last_90_days",
          "Daily experience KPIs with their 95% intervals for the 90 days ending on the latest"
              + " response date in kpi_daily (path_before = '*' for the channel totals).",
          Tables.KPI_DAILY,
          "response_date > date_sub((SELECT max(response_date) FROM ${db}.kpi_daily), 90)");

  public static final ViewSpec OPEN_FOLLOWUPS =
      new ViewSpec(
          "open_followups",
          "Close-the-loop follow-ups not closed yet (status open or in_progress; historical ones,"
              + " opened long after their response by a range run, are not work), for the teams'"
              + " work queues; order by due_date.",
          Tables.FOLLOWUPS,
          "status IN ('open', 'in_progress')");

  public static final List<ViewSpec> ALL =
      List.of(
          LATEST_ROOT_CAUSE_SEGMENTS,
          LATEST_ROOT_CAUSE_EXAMPLES,
          LATEST_ROOT_CAUSE_DRIVERS,
          KPI_DAILY_LAST_90_DAYS,
          OPEN_FOLLOWUPS);
}
