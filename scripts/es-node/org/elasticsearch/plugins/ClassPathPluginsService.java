package org.elasticsearch.plugins;

import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.env.Environment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plugins instantiated from the application class path rather than from modules/ and plugins/.
 * The launcher lives in Elasticsearch's own packages because NodeConstruction, NodeServiceProvider and
 * PluginsService's plugin loading are package-private, and that start-up code changes between minors
 * (checked against 9.5.3; it moved at 9.0 and 9.4). It follows the shape of the test framework's
 * MockNode and MockPluginsService, which is how Elasticsearch starts nodes with class-path plugins.
 */
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
