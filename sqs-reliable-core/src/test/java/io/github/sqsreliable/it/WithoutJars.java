package io.github.sqsreliable.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs code in a class loader made of the test class path without some jars (and without the application class
 * loader as parent), so that a use of an optional dependency's class fails there with {@link NoClassDefFoundError}.
 * The code is a public {@code Function<String, String>} with a no-argument constructor, loaded afresh in that loader.
 */
final class WithoutJars {

    private WithoutJars() {
    }

    /**
     * @param pathMarkers a class path entry containing any of these is left out
     * @param absentClass a class of the left-out jars, checked to be absent
     * @param code the function's class
     * @param arguments its argument
     * @return what it answered
     */
    static String run(List<String> pathMarkers, String absentClass,
                      Class<? extends Function<String, String>> code, String arguments) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (pathMarkers.stream().anyMatch(entry::contains)) {
                left.add(entry);
            } else if (!entry.isBlank()) {
                urls.add(toUrl(entry));
            }
        }
        assertThat(left).as("jars matching %s on the test class path", pathMarkers).isNotEmpty();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThat(loads(loader, absentClass)).as("%s is absent from the isolated loader", absentClass).isFalse();
            @SuppressWarnings("unchecked")
            Function<String, String> isolated = (Function<String, String>) loader
                    .loadClass(code.getName()).getDeclaredConstructor().newInstance();
            return isolated.apply(arguments);
        }
    }

    private static boolean loads(ClassLoader loader, String name) {
        try {
            loader.loadClass(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static URL toUrl(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }
}
