package io.xconf.itests.probe;

import io.xconf.accounts.Account;
import io.xconf.ccmp.CcmpResponseCode;
import io.xconf.ccmp.extension.CcmpExtension;
import io.xconf.schema.ccmp.CcmpExtendedRequestMessageType;
import io.xconf.schema.ccmp.CcmpExtendedResponseMessageType;
import io.xconf.schema.ccmp.OperationType;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * A CCMP extension that answers with the id of the bundle that carries it: tests drop this bundle
 * into deploy/ and watch it appear in (and leave) optionsResponse and extendedRequest.
 */
@Component
public final class ProbeExtension implements CcmpExtension {

  public static final String NAME = "xconfProbeRequest";

  private final long bundleId;

  @Activate
  public ProbeExtension(BundleContext context) {
    this.bundleId = context.getBundle().getBundleId();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<OperationType> operations() {
    return Set.of(OperationType.RETRIEVE);
  }

  @Override
  public String schemaDefinition() {
    return "urn:xconf:itests:probe";
  }

  @Override
  public String description() {
    return "Hot-deployment probe of the Xconf integration tests";
  }

  @Override
  public CcmpExtendedResponseMessageType handle(
      CcmpExtendedRequestMessageType request, Account sender) {
    CcmpExtendedResponseMessageType response = new CcmpExtendedResponseMessageType();
    response.setResponseCode(CcmpResponseCode.SUCCESS.asBigInteger());
    response.setResponseString("probe bundle " + bundleId);
    return response;
  }
}
