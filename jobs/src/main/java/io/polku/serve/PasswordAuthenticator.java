package io.polku.serve;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * HiveServer2 CUSTOM authentication of the SQL endpoint: the user must be one of {@code
 * polku.serve.auth.users} and the password must match its PBKDF2 hash. HiveServer2 creates this
 * class by name; {@link SqlServer} fills the user table before it starts.
 */
public final class PasswordAuthenticator implements PasswdAuthenticationProvider {
  private static final Map<String, String> USERS = new ConcurrentHashMap<>();

  static void configure(Map<String, String> usersToHashes) {
    USERS.clear();
    USERS.putAll(usersToHashes);
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    String hash = user == null ? null : USERS.get(user);
    // Verify even for unknown users so the answer takes as long either way.
    boolean ok =
        PasswordHash.verify(
            password == null ? new char[0] : password.toCharArray(), hash != null ? hash : DUMMY);
    if (hash == null || !ok) {
      throw new AuthenticationException(
          "Polku SQL endpoint: wrong user name or password for '" + user + "'");
    }
  }

  private static final String DUMMY = PasswordHash.create("not a password".toCharArray());
}
