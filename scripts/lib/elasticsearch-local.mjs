// elasticsearch-local.mjs — a real, throw-away single-node Elasticsearch without Docker, for the
// integration-test global setup and `npm run es:local`. Plain ESM so both import it without a build.
//
// Why an embedded node and not the official test distribution: Maven Central carries
// `org.elasticsearch.distribution.integ-test-zip` only up to 8.19.x (an 8.x server rejects the
// `compatible-with=9` headers of our 9.x client), but it does carry the 9.x server jar and the Netty
// transport plugin. So we resolve those with Maven, compile a ~60-line launcher that builds a node with
// Netty from the class path, and run it with the Temurin JDK. No 9.4.x server jar was ever published
// there; 9.5.x is served, and a server minor >= the client minor (9.4) is what the client supports.
//
// What the node lacks (modules that are not on Maven Central): `GET /` (so `client.info()` and
// `client.ping()` fail: use `cluster.health`), analysis-common (language analyzers, stemmers, synonyms,
// ngram, html_strip, asciifolding), mapper-extras, painless/mustache scripts, reindex and
// update/delete-by-query, ingest pipelines, data streams, ILM, and every x-pack feature. Native
// libraries (zstd) are absent too, so `index.codec: best_compression` is not available.
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The one place that names the server version. Keep its minor >= the client's (`@elastic/elasticsearch`). */
export const ELASTICSEARCH_VERSION = "9.5.3";

export const DEFAULT_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64";
export const DEFAULT_CACHE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../.cache/elasticsearch",
);

// Maven 3.8's default dependency plugin predates the goals' current options: name a recent one.
const MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
// A cold start takes ~10 s on an idle 2-core machine; other agents and CI share those cores.
const DEFAULT_START_TIMEOUT_MS = 180_000;
// The node closes in ~1-2 s; past this it is wedged and gets SIGKILL.
const STOP_GRACE_MS = 20_000;
const POLL_INTERVAL_MS = 100;
const RUN_DIR_PREFIX = "regradar-es-";

const execFileAsync = promisify(execFile);
const noop = () => {};

/**
 * Makes sure `<cacheDir>/<version>/` holds the server's jars and the compiled launcher, resolving them
 * with Maven (into ~/.m2 and then here) the first time. Safe to call from two processes at once: each
 * builds in a private staging folder and renames it into place. Returns the Elasticsearch home.
 */
export async function ensureElasticsearchDistribution({
  version = ELASTICSEARCH_VERSION,
  cacheDir = DEFAULT_CACHE_DIR,
  javaHome = defaultJavaHome(),
  log = noop,
} = {}) {
  const home = path.join(cacheDir, version);
  await fsp.mkdir(cacheDir, { recursive: true });
  await assertExecutable(path.join(javaHome, "bin", "javac"), "a JDK 21+ (set ES_JAVA_HOME)");

  if (!fs.existsSync(path.join(home, "lib"))) {
    log(`resolving Elasticsearch ${version} jars with Maven into ${home}`);
    const started = Date.now();
    await buildInto(home, cacheDir, async (staging) => {
      await fsp.writeFile(path.join(staging, "pom.xml"), distributionPom(version));
      await run("mvn", [
        "-B",
        "-ntp",
        "-f",
        path.join(staging, "pom.xml"),
        `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
        "-DincludeScope=runtime",
        `-DoutputDirectory=${path.join(staging, "lib")}`,
      ], "Maven (apt-get install maven)");
    });
    log(`resolved Elasticsearch ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const launcherDir = launcherClassesDir(home);
  if (!fs.existsSync(launcherDir)) {
    log("compiling the node launcher");
    await buildInto(launcherDir, home, async (staging) => {
      const sources = [];
      for (const [relative, text] of Object.entries(LAUNCHER_SOURCES)) {
        const file = path.join(staging, "src", relative);
        await fsp.mkdir(path.dirname(file), { recursive: true });
        await fsp.writeFile(file, text);
        sources.push(file);
      }
      await run(path.join(javaHome, "bin", "javac"), [
        "-nowarn",
        "-encoding",
        "UTF-8",
        "-d",
        path.join(staging, "classes"),
        "-cp",
        path.join(home, "lib", "*"),
        ...sources,
      ], "javac");
    });
  }
  return home;
}

/**
 * Starts a single-node Elasticsearch on 127.0.0.1 with a random HTTP port (or `httpPort`), temporary
 * data and logs, and security off, and resolves once the cluster is at least yellow.
 * `stop()` sends SIGTERM (SIGKILL after a deadline), waits for the exit and removes the temp folder.
 * The node also stops if this process exits or dies (it watches its stdin pipe).
 */
export async function startElasticsearch({
  version = ELASTICSEARCH_VERSION,
  cacheDir = DEFAULT_CACHE_DIR,
  javaHome = defaultJavaHome(),
  heap = "512m",
  httpPort = 0,
  log = noop,
  timeoutMs = DEFAULT_START_TIMEOUT_MS,
} = {}) {
  const deadline = Date.now() + timeoutMs;
  const home = await ensureElasticsearchDistribution({ version, cacheDir, javaHome, log });

  await removeStaleRunDirs();
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), RUN_DIR_PREFIX));
  const dirs = {
    config: path.join(tmp, "config"),
    data: path.join(tmp, "data"),
    logs: path.join(tmp, "logs"),
    jvmTmp: path.join(tmp, "tmp"),
  };
  await Promise.all(Object.values(dirs).map((dir) => fsp.mkdir(dir, { recursive: true })));
  await fsp.writeFile(path.join(dirs.config, "elasticsearch.yml"), nodeSettings(home, dirs, httpPort));

  const consoleLog = path.join(dirs.logs, "console.log");
  const out = fs.openSync(consoleLog, "w");
  const started = Date.now();
  let child;
  try {
    child = spawn(path.join(javaHome, "bin", "java"), [
      ...jvmOptions(home, heap, dirs.jvmTmp),
      "-cp",
      [path.join(launcherClassesDir(home), "classes"), path.join(home, "lib", "*")].join(path.delimiter),
      "org.elasticsearch.node.RegRadarNodeMain",
      dirs.config,
      "--exit-on-stdin-eof",
    ], { stdio: ["pipe", out, out] });
  } finally {
    fs.closeSync(out);
  }

  if (child.pid) await fsp.writeFile(path.join(tmp, "node.pid"), String(child.pid));

  const exited = new Promise((resolve) => {
    child.once("error", (err) => resolve({ code: null, signal: null, err }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  // A synchronous last resort; the stdin watchdog covers deaths that skip 'exit' handlers.
  const onParentExit = () => {
    child.kill("SIGKILL");
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on("exit", onParentExit);

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited;
        clearTimeout(killer);
      }
      child.stdin?.destroy();
      process.off("exit", onParentExit);
      await fsp.rm(tmp, { recursive: true, force: true });
      log("Elasticsearch stopped");
    })());

  try {
    const url = await waitUntilReady({ portsFile: path.join(dirs.logs, "http.ports"), exited, deadline });
    log(`Elasticsearch ${version} ready at ${url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { url, pid: child.pid, exited, stop };
  } catch (err) {
    const tail = await readTail(consoleLog);
    await stop();
    throw new Error(`${err.message}\n--- node output (tail) ---\n${tail}`, { cause: err });
  }
}

/** Removes the temp folders of nodes whose parent was killed outright (the node itself stops on its own). */
async function removeStaleRunDirs() {
  const entries = await fsp.readdir(os.tmpdir()).catch(() => []);
  for (const name of entries.filter((entry) => entry.startsWith(RUN_DIR_PREFIX))) {
    const dir = path.join(os.tmpdir(), name);
    const pid = Number(await fsp.readFile(path.join(dir, "node.pid"), "utf8").catch(() => ""));
    if (pid > 0 && !isAlive(pid)) await fsp.rm(dir, { recursive: true, force: true }).catch(noop);
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

async function waitUntilReady({ portsFile, exited, deadline }) {
  let exit;
  exited.then((e) => (exit = e));
  const checkAlive = () => {
    if (exit) {
      throw new Error(
        `Elasticsearch exited during start-up (code ${exit.code}, signal ${exit.signal})${exit.err ? `: ${exit.err.message}` : ""}`,
      );
    }
    if (Date.now() > deadline) throw new Error("Elasticsearch did not become ready in time");
  };

  // The node writes `<logs>/http.ports` (atomically, by rename) once HTTP is bound.
  let address;
  while (!address) {
    checkAlive();
    address = await fsp.readFile(portsFile, "utf8").then((text) => text.split("\n")[0].trim(), () => "");
    if (!address) await sleep(POLL_INTERVAL_MS);
  }
  const url = `http://${address}`;

  for (;;) {
    checkAlive();
    const waitSeconds = Math.max(1, Math.min(30, Math.floor((deadline - Date.now()) / 1000)));
    try {
      const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=${waitSeconds}s`, {
        signal: AbortSignal.timeout(waitSeconds * 1000 + 5_000),
      });
      if (res.ok) return url;
      await res.body?.cancel();
    } catch {
      // Not answering yet; the liveness and deadline checks above decide when to give up.
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

function nodeSettings(home, dirs, httpPort) {
  const settings = {
    "path.home": home,
    "path.data": dirs.data,
    "path.logs": dirs.logs,
    "cluster.name": "regradar-local",
    "node.name": "regradar-local",
    "discovery.type": "single-node",
    "network.host": "127.0.0.1",
    "http.port": httpPort,
    "transport.port": 0,
    "node.portsfile": true,
    "cluster.routing.allocation.disk.threshold_enabled": false,
    "action.destructive_requires_name": false,
    "logger.level": "warn",
  };
  // JSON scalars are valid YAML scalars, which keeps paths with odd characters safe.
  return Object.entries(settings).map(([key, value]) => `${key}: ${JSON.stringify(value)}\n`).join("");
}

function jvmOptions(home, heap, jvmTmp) {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    // From Elasticsearch's own jvm.options: keep G1 headroom so a small heap does not trip the
    // real-memory circuit breaker under bulk load.
    "-XX:+UseG1GC",
    "-XX:G1ReservePercent=25",
    "-XX:InitiatingHeapOccupancyPercent=30",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-UsePerfData",
    `-Djava.io.tmpdir=${jvmTmp}`,
    "-Dfile.encoding=UTF-8",
    "-Djava.locale.providers=CLDR",
    "-Dio.netty.noUnsafe=true",
    "-Dio.netty.noKeySetOptimization=true",
    "-Dio.netty.recycler.maxCapacityPerThread=0",
    "-Dlog4j.shutdownHookEnabled=false",
    "-Dlog4j2.disable.jmx=true",
    // Native helpers (zstd, SIMD) look in <es.path.home>/lib/platform, which Maven Central does not
    // ship: the node logs one "Unable to load native provider" warning and runs without them.
    `-Des.path.home=${home}`,
    "--enable-native-access=ALL-UNNAMED",
  ];
}

function launcherClassesDir(home) {
  const hash = createHash("sha256").update(JSON.stringify(LAUNCHER_SOURCES)).digest("hex").slice(0, 12);
  return path.join(home, `launcher-${hash}`);
}

function distributionPom(version) {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>regradar.local</groupId>
  <artifactId>elasticsearch-local</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.elasticsearch</groupId><artifactId>elasticsearch</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.elasticsearch.plugin</groupId><artifactId>transport-netty4</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`;
}

/** Builds `target` in a staging folder beside it and renames it into place; a concurrent winner is kept. */
async function buildInto(target, parent, build) {
  await fsp.mkdir(parent, { recursive: true });
  const staging = await fsp.mkdtemp(path.join(parent, `.staging-${path.basename(target)}-`));
  try {
    await fsp.chmod(staging, 0o755); // mkdtemp makes it private; the cache is shared read-only
    await build(staging);
    await fsp.rename(staging, target);
  } catch (err) {
    await fsp.rm(staging, { recursive: true, force: true });
    if (fs.existsSync(target) && (err.code === "ENOTEMPTY" || err.code === "EEXIST")) return;
    throw err;
  }
}

async function run(command, args, what) {
  try {
    await execFileAsync(command, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    if (err.code === "ENOENT") throw new Error(`${what} not found: ${command}`, { cause: err });
    const output = `${err.stdout ?? ""}${err.stderr ?? ""}`.split("\n").slice(-40).join("\n");
    throw new Error(`${what} failed: ${command} ${args.join(" ")}\n${output}`, { cause: err });
  }
}

async function assertExecutable(file, what) {
  try {
    await fsp.access(file, fs.constants.X_OK);
  } catch (err) {
    throw new Error(`${what} is needed: ${file} is missing`, { cause: err });
  }
}

function defaultJavaHome() {
  return process.env.ES_JAVA_HOME || DEFAULT_JAVA_HOME;
}

async function readTail(file, lines = 60) {
  const text = await fsp.readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The launcher has to live in Elasticsearch's own packages: NodeConstruction, NodeServiceProvider and
// PluginsService's plugin loading are package-private, and that start-up code changes between minors
// (checked against 9.5.3; it moved at 9.0 and 9.4). It follows the shape of the test framework's
// MockNode and MockPluginsService, which is what Elasticsearch uses to start nodes with class-path plugins.
const LAUNCHER_SOURCES = {
  "org/elasticsearch/plugins/ClassPathPluginsService.java": `package org.elasticsearch.plugins;

import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Plugins instantiated from the application class path rather than from modules/ and plugins/. */
public final class ClassPathPluginsService extends PluginsService {
    private final List<LoadedPlugin> classPathPlugins;

    public ClassPathPluginsService(Environment environment, Collection<Class<? extends Plugin>> pluginClasses) {
        super(environment.settings(), environment.configDir(), new PluginsLoader(Set.of(), Set.of(), Map.of()));
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Class<? extends Plugin> pluginClass : pluginClasses) {
            Plugin plugin = loadPlugin(pluginClass, environment.settings(), environment.configDir());
            PluginDescriptor descriptor = new PluginDescriptor(
                pluginClass.getName(), "class-path plugin", "NA", Build.current().version(),
                Integer.toString(Runtime.version().feature()), pluginClass.getName(), null, List.of(),
                false, false, false, false, PluginDescriptor.DeploymentTarget.ALL
            );
            loaded.add(new LoadedPlugin(descriptor, plugin, ClassPathPluginsService.class.getClassLoader()));
        }
        this.classPathPlugins = List.copyOf(loaded);
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return classPathPlugins;
    }

    @Override
    public PluginsAndModules info() {
        return new PluginsAndModules(
            classPathPlugins.stream().map(LoadedPlugin::descriptor).map(PluginRuntimeInfo::new).toList(),
            List.of()
        );
    }
}
`,
  "org/elasticsearch/node/RegRadarNodeMain.java": `package org.elasticsearch.node;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClassPathPluginsService;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One Elasticsearch node with the Netty HTTP/transport plugin from the class path.
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
                return new ClassPathPluginsService(env, List.of(Netty4Plugin.class));
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
`,
};
