package io.polku.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Redacts secrets from a configuration before it is shown: the value of every key whose name
 * contains {@code secret}, {@code password}, {@code access.key}, {@code secret.key}, {@code
 * account.key} (Azure), {@code token}, {@code credentials} or {@code salt} (any case; dotted Spark
 * keys such as {@code "spark.hadoop.fs.s3a.secret.key"} count as one name) becomes {@value #MASK},
 * whatever its type, and the password of a {@code scheme://user:password@host} URI in any string
 * becomes {@value #MASK}. Pure: the input is not changed.
 */
public final class ConfigRedaction {
  public static final String MASK = "***";
  private static final List<String> SENSITIVE =
      List.of(
          "secret",
          "password",
          "access.key",
          "access_key",
          "accesskey",
          "secret.key",
          "account.key",
          "token",
          "credentials",
          "salt");
  private static final Pattern URI_PASSWORD =
      Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/@:\\s]+:)[^/@\\s]+@");

  private ConfigRedaction() {}

  /** Whether a key's value is a secret. */
  public static boolean sensitive(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return SENSITIVE.stream().anyMatch(k::contains);
  }

  /** The object with its secrets masked. */
  public static ConfigObject redact(ConfigObject object) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      out.put(e.getKey(), sensitive(e.getKey()) ? MASK : redact(e.getValue()));
    }
    return ConfigValueFactory.fromMap(out);
  }

  private static Object redact(ConfigValue value) {
    if (value.valueType() == ConfigValueType.OBJECT) {
      return redact((ConfigObject) value);
    }
    if (value.valueType() == ConfigValueType.LIST) {
      List<Object> items = new ArrayList<>();
      for (ConfigValue v : (ConfigList) value) {
        items.add(redact(v));
      }
      return ConfigValueFactory.fromIterable(items);
    }
    if (value.valueType() == ConfigValueType.STRING) {
      String s = (String) value.unwrapped();
      return URI_PASSWORD.matcher(s).replaceAll("$1" + MASK.replace("*", "\\*") + "@");
    }
    return value;
  }
}
