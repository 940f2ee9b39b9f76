package io.polku.serve;

import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.catalyst.TableIdentifier;

/**
 * What the running endpoint serves, for {@link ReadOnlyGuard}: the database, the registered table
 * and view names, and the server session's own options (a client session may not differ from them
 * but in {@link SqlAllowList#SET_KEYS}). Spark builds the guard's rules by class name, so the state
 * is held here, set by {@link SqlServer} at start and on refresh.
 */
public final class ServedCatalog {
  private ServedCatalog() {}

  /**
   * @param database the served database
   * @param tables registered table names
   * @param views registered view names
   * @param serverOptions the server session's SQL options (its {@code getAllConfs})
   * @param maxResultRows the row cap of a client query ({@link ResultCap}); 0 for none
   */
  public record Served(
      String database,
      Set<String> tables,
      Set<String> views,
      Map<String, String> serverOptions,
      long maxResultRows) {
    public Served {
      tables = Set.copyOf(tables);
      views = Set.copyOf(views);
      serverOptions = Map.copyOf(serverOptions);
    }

    boolean isTable(TableIdentifier id) {
      return inDatabase(id) && tables.contains(id.table());
    }

    boolean isView(TableIdentifier id) {
      return inDatabase(id) && views.contains(id.table());
    }

    private boolean inDatabase(TableIdentifier id) {
      return database.equals(id.database().isDefined() ? id.database().get() : database);
    }
  }

  private static volatile Served served;

  /** What is served now; null when no endpoint runs in this JVM (everything is refused). */
  public static Served get() {
    return served;
  }

  public static void set(Served now) {
    served = now;
  }
}
