import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * Runs one OpenSearch 2.19 node in this JVM for local tests, without the
 * distribution's bootstrap, modules or plugins directories.
 *
 * <p>Usage: {@code java -cp LAUNCHER:LIB/* LocalNode key=value...}. Each
 * argument is one node setting; stack/up passes cluster.name, node.name,
 * path.home, path.data, path.logs, http.port and transport.port. The
 * loopback and single-node settings below are applied after the arguments,
 * so an argument cannot make the node listen beyond 127.0.0.1 or look for
 * other nodes.
 *
 * <p>The node runs until the JVM gets SIGTERM or SIGINT, and a shutdown hook
 * then closes it. Exit status 2 means invalid arguments or a missing plugin
 * class, and 1 means the node failed to start.
 */
public final class LocalNode extends Node {

    /** Plugins that the distribution loads as modules and that logpipe needs. */
    private static final List<String> PLUGIN_CLASS_NAMES = List.of(
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin");

    /** Maximum wait for the node's services to stop on shutdown, in seconds. */
    private static final long CLOSE_TIMEOUT_SECONDS = 30;

    private LocalNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(environment, plugins, true);
    }

    public static void main(String[] args) throws Exception {
        Settings settings = buildSettings(args);
        Collection<Class<? extends Plugin>> plugins = loadPlugins();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), null, () -> settings.get("node.name", "logpipe-local"));

        Logger logger = LogManager.getLogger(LocalNode.class);
        LocalNode node = new LocalNode(environment, plugins);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeNode(node, logger, closed), "local-node-close"));

        try {
            node.start();
        } catch (Exception e) {
            logger.error("failed to start the node", e);
            System.err.println("LocalNode: failed to start the node: " + e);
            System.exit(1);
        }
        logger.info("node started: http.port={} transport.port={} path.data={}",
            settings.get("http.port"), settings.get("transport.port"), settings.get("path.data"));

        // The node's threads are daemons, so the main thread must stay alive until the shutdown hook has run.
        closed.await();
    }

    /** Builds the node settings from key=value arguments plus the fixed loopback and single-node settings. */
    private static Settings buildSettings(String[] args) {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals <= 0) {
                System.err.println("LocalNode: invalid argument '" + arg + "': expected key=value, e.g. http.port=9200");
                System.exit(2);
            }
            builder.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        for (String required : List.of("path.home", "path.data", "path.logs", "http.port", "transport.port")) {
            if (builder.get(required) == null) {
                System.err.println("LocalNode: missing setting " + required + ": pass it as " + required + "=VALUE");
                System.exit(2);
            }
        }

        builder.put("discovery.type", "single-node");
        builder.put("network.host", "127.0.0.1");
        builder.put("http.type", "netty4");
        builder.put("transport.type", "netty4");
        // On a nearly full disk the flood-stage watermark would make indices read-only in the middle of a test.
        builder.put("cluster.routing.allocation.disk.threshold_enabled", false);
        return builder.build();
    }

    /** Loads the plugin classes by name, so that a missing jar stops the launcher with the class name. */
    private static Collection<Class<? extends Plugin>> loadPlugins() {
        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        for (String name : PLUGIN_CLASS_NAMES) {
            try {
                plugins.add(Class.forName(name).asSubclass(Plugin.class));
            } catch (ClassNotFoundException | ClassCastException e) {
                System.err.println("LocalNode: plugin class " + name + " is missing or is not a Plugin (" + e
                    + "); run stack/fetch to rebuild the classpath");
                System.exit(2);
            }
        }
        return plugins;
    }

    private static void closeNode(LocalNode node, Logger logger, CountDownLatch closed) {
        try {
            logger.info("closing the node");
            node.close();
            if (!node.awaitClose(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                logger.warn("node services still running after {} s, exiting anyway", CLOSE_TIMEOUT_SECONDS);
            }
            logger.info("node closed");
        } catch (Exception e) {
            logger.error("failed to close the node", e);
        } finally {
            LogManager.shutdown();
            closed.countDown();
        }
    }
}
