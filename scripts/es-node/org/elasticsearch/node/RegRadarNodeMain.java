package org.elasticsearch.node;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClassPathPluginsService;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import regradar.analysis.CommonAnalysisPlugin;
import regradar.analysis.IcuAnalysisPlugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One Elasticsearch node with the Netty HTTP/transport plugin and RegRadar's stand-ins for the
 * distribution's analysis (analysis-common, analysis-icu), all from the class path.
 * Usage: RegRadarNodeMain CONFIG_DIR [--exit-on-stdin-eof]. Closes the node on SIGTERM/SIGINT;
 * with the flag, also when stdin closes, i.e. when the parent process is gone.
 */
public final class RegRadarNodeMain {
    public static void main(String[] args) throws Exception {
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            Settings.EMPTY, Map.of(), Path.of(args[0]), () -> "regradar-local"
        );
        LogConfigurator.configureWithoutConfig(environment.settings());
        NodeServiceProvider services = new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, PluginsLoader unused) {
                return new ClassPathPluginsService(env, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, IcuAnalysisPlugin.class));
            }
        };
        Node node = new Node(NodeConstruction.prepareConstruction(environment, null, services, true));

        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.prepareForClose();
                node.close();
                node.awaitClose(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
            }
        }, "regradar-node-shutdown"));

        node.start();
        if (Arrays.asList(args).contains("--exit-on-stdin-eof")) {
            Thread watchdog = new Thread(RegRadarNodeMain::exitOnStdinEof, "regradar-stdin-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        // Every Elasticsearch thread is a daemon: keep the JVM up until the shutdown hook has run.
        closed.await();
    }

    private static void exitOnStdinEof() {
        try {
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            while (in.read(buffer) != -1) {
                // ignore input; only the end of the stream matters
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone, the same as EOF
        }
        System.exit(0);
    }
}
