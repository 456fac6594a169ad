/**
 * Xconf's HTTP paths: {@link io.xconf.http.HttpEndpoint} services that the front handler serves,
 * and the {@link io.xconf.http.HttpAuthenticator} they share.
 */
@Export
@Version("1.1.0")
package io.xconf.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
