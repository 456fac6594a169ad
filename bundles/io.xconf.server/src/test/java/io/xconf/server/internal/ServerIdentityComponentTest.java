package io.xconf.server.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ServerIdentityComponentTest {

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  @Test
  public void canonicalisesDomainAndCreatesStateDirectory() throws Exception {
    Path state = temp.getRoot().toPath().resolve("a/b/xconf");
    ServerIdentityComponent identity = new ServerIdentityComponent(" Example.COM ", state);
    assertEquals("example.com", identity.domain());
    assertTrue(Files.isDirectory(identity.stateDirectory()));
  }

  @Test
  public void acceptsIpv4AndSingleLabelHosts() throws Exception {
    Path state = temp.getRoot().toPath();
    assertEquals("127.0.0.1", new ServerIdentityComponent("127.0.0.1", state).domain());
    assertEquals("localhost", new ServerIdentityComponent("localhost", state).domain());
  }

  @Test
  public void rejectsDomainsThatCannotFollowAnAtSign() {
    Path state = temp.getRoot().toPath();
    for (String bad : new String[] {"", "exa mple.com", "a@b", "-x.com", "x..com", "x.com/"}) {
      assertThrows(
          bad, IllegalArgumentException.class, () -> new ServerIdentityComponent(bad, state));
    }
  }
}
