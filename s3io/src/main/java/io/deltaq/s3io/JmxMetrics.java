package io.deltaq.s3io;

import io.deltaq.s3io.ClientMetrics.Registration;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a metrics object as a read-only JMX MBean under {@code io.deltaq:type=TYPE,KEY=VALUE...},
 * in the manner of the Kafka clients ({@code kafka.producer:type=producer-metrics,client-id=...}):
 * every {@linkplain Figures figure} of the object is an attribute, its name in kebab case
 * ({@code lostRaces()} is {@code lost-races}). Reading an attribute calls the
 * method, so the metrics class stays the one source of each figure and costs nothing until read.
 *
 * <p>A name already registered (a second client with the same id and table in one JVM) is logged
 * and skipped, as Kafka does: metrics never stop a client from opening.
 */
public final class JmxMetrics {

    /** The JMX domain of every deltaq MBean. */
    public static final String DOMAIN = "io.deltaq";

    private static final Logger LOG = LoggerFactory.getLogger(JmxMetrics.class);

    private JmxMetrics() {
    }

    /** What a name that could not be registered gets: nothing to unregister. */
    static final Registration NONE = () -> { };

    /**
     * The object name {@code io.deltaq:type=TYPE,k1=v1,...} from key, value pairs in order, each value
     * quoted where JMX needs it (table locations hold colons).
     */
    public static ObjectName name(String type, String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values come in pairs: " + List.of(keysAndValues));
        }
        StringBuilder name = new StringBuilder(DOMAIN).append(":type=").append(type);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            name.append(',').append(keysAndValues[i]).append('=').append(quoteIfNeeded(keysAndValues[i + 1]));
        }
        try {
            return new ObjectName(name.toString());
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not a JMX name: " + name, e);
        }
    }

    /**
     * Registers a client's {@code metrics} as {@code io.deltaq:type=TYPE,k1=v1,...} and, when that name
     * was free, its store's figures as one MBean per operation,
     * {@code io.deltaq:type=store-metrics,k1=v1,...,operation=get} (attributes {@code requests},
     * {@code failures}, {@code retries}, {@code bytes}, {@code latency-p50-ms}, {@code latency-p99-ms},
     * {@code latency-max-ms}, read on demand). Closing the registration unregisters them all. Clients
     * publish through {@link ClientMetrics#publish}, which also binds Micrometer where it is present.
     */
    static Registration register(String type, Object metrics, StoreMetrics store, String... keysAndValues) {
        Registration client = register(name(type, keysAndValues), metrics);
        if (client == NONE) {
            return NONE;
        }
        List<Registration> all = new ArrayList<>();
        all.add(client);
        for (StoreMetrics.Operation op : StoreMetrics.Operation.values()) {
            String[] keys = Arrays.copyOf(keysAndValues, keysAndValues.length + 2);
            keys[keys.length - 2] = "operation";
            keys[keys.length - 1] = op.label();
            all.add(register(name("store-metrics", keys), new OperationFigures(store, op)));
        }
        return () -> all.forEach(Registration::close);
    }

    /** Registers {@code metrics} under {@code name} on the platform MBean server. */
    static Registration register(ObjectName name, Object metrics) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(new MetricsBean(metrics), name);
        } catch (InstanceAlreadyExistsException e) {
            LOG.warn("metrics MBean {} is already registered (another client with the same id in this JVM); "
                    + "this one's metrics are not published over JMX", name);
            return NONE;
        } catch (JMException e) {
            LOG.warn("metrics MBean {} could not be registered: {}", name, e.toString());
            return NONE;
        }
        return () -> {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("metrics MBean {} was already unregistered: {}", name, e.toString());
            }
        };
    }

    private static String quoteIfNeeded(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n' || c == '\\') {
                return ObjectName.quote(value);
            }
        }
        return value.isEmpty() ? ObjectName.quote(value) : value;
    }

    private static final class MetricsBean implements DynamicMBean {
        private final Object metrics;
        private final Map<String, Method> getters = new LinkedHashMap<>();
        private final MBeanInfo info;

        MetricsBean(Object metrics) {
            this.metrics = metrics;
            List<MBeanAttributeInfo> attributes = new ArrayList<>();
            for (Map.Entry<String, Method> figure : Figures.of(metrics).entrySet()) {
                Method m = figure.getValue();
                Class<?> type = m.getReturnType();
                getters.put(figure.getKey(), m);
                attributes.add(new MBeanAttributeInfo(figure.getKey(), type.getName(),
                        metrics.getClass().getSimpleName() + "." + m.getName() + "()", true, false,
                        type == boolean.class && m.getName().startsWith("is")));
            }
            this.info = new MBeanInfo(metrics.getClass().getName(),
                    "deltaq " + metrics.getClass().getSimpleName().toLowerCase(Locale.ROOT) + ", read-only",
                    attributes.toArray(MBeanAttributeInfo[]::new), null, null, null);
        }

        @Override
        public Object getAttribute(String attribute) throws AttributeNotFoundException, MBeanException {
            Method getter = getters.get(attribute);
            if (getter == null) {
                throw new AttributeNotFoundException(attribute + " is not an attribute of " + info.getClassName()
                        + "; there are " + getters.keySet());
            }
            try {
                return getter.invoke(metrics);
            } catch (IllegalAccessException e) {
                throw new MBeanException(e);
            } catch (InvocationTargetException e) {
                throw new MBeanException(e.getCause() instanceof Exception ex ? ex : e);
            }
        }

        @Override
        public AttributeList getAttributes(String[] attributes) {
            AttributeList list = new AttributeList();
            for (String a : attributes) {
                try {
                    list.add(new Attribute(a, getAttribute(a)));
                } catch (JMException e) {
                    // JMX's contract: attributes that cannot be read are left out of the list.
                }
            }
            return list;
        }

        @Override
        public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
            throw new AttributeNotFoundException(attribute.getName() + " is read-only");
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            return new AttributeList();
        }

        @Override
        public Object invoke(String actionName, Object[] params, String[] signature) throws MBeanException {
            throw new MBeanException(new UnsupportedOperationException("metrics MBeans have no operations"));
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            return info;
        }
    }
}
