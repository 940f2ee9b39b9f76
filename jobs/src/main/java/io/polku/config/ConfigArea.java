package io.polku.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One area of the configuration (a stage, or the lake, Spark, the SQL endpoint): its title, a
 * sentence for the documentation, and the keys its {@code *Keys} class declares, in declaration
 * order. Keys register themselves when created, so adding a key is one declaration.
 */
public final class ConfigArea {
  private final String title;
  private final String prefix;
  private final String intro;
  private final List<ConfigKey<?>> keys = new ArrayList<>();

  /**
   * @param prefix prepended to every key's name, e.g. {@code "polku.rootcause."}
   */
  public ConfigArea(String title, String prefix, String intro) {
    this.title = title;
    this.prefix = prefix;
    this.intro = intro;
  }

  /** Declares the key {@code prefix + name}; finish with a type and a {@code create*} call. */
  public ConfigKey.Builder buildConf(String name) {
    return new ConfigKey.Builder(this, prefix + name);
  }

  synchronized void register(ConfigKey<?> key) {
    keys.add(key);
  }

  public String title() {
    return title;
  }

  public String prefix() {
    return prefix;
  }

  public String intro() {
    return intro;
  }

  public synchronized List<ConfigKey<?>> keys() {
    return List.copyOf(keys);
  }
}
