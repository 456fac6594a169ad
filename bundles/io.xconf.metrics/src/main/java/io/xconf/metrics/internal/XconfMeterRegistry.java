package io.xconf.metrics.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.xconf.metrics.MetricsText;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The server's one {@link MeterRegistry}: Xconf's bundles take it as a service and count into it;
 * {@code /metrics} writes it in the Prometheus text format ({@link MetricsText}). Its bundle
 * imports nothing but Micrometer, and the component needs nothing, so neither an HTTP nor an
 * accounts update restarts it, nor with it the SIP stack, the mixer and the store that count into
 * it. The JVM's own meters (memory, GC, threads, classes, CPU, uptime, file descriptors) are bound
 * here.
 */
@Component(
    service = {MeterRegistry.class, MetricsText.class},
    immediate = true)
public final class XconfMeterRegistry extends PrometheusMeterRegistry implements MetricsText {

  private JvmGcMetrics gc;

  public XconfMeterRegistry() {
    super(PrometheusConfig.DEFAULT);
  }

  @Activate
  void bindJvmMeters() {
    new ClassLoaderMetrics().bindTo(this);
    new JvmMemoryMetrics().bindTo(this);
    new JvmThreadMetrics().bindTo(this);
    new ProcessorMetrics().bindTo(this);
    new UptimeMetrics().bindTo(this);
    new FileDescriptorMetrics().bindTo(this);
    gc = new JvmGcMetrics();
    gc.bindTo(this);
  }

  @Override
  public String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  @Deactivate
  void stop() {
    gc.close();
    close();
  }
}
