package io.deltaq.s3io;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures a metrics object publishes: its public no-argument instance methods that return a
 * {@code long}, {@code int}, {@code double} or {@code boolean}, by name in kebab case
 * ({@code lostRaces()} is {@code lost-races}). JMX and Micrometer both publish exactly these, so a
 * metrics class stays the one source of each figure and costs nothing until one is read.
 */
final class Figures {

    private Figures() {
    }

    /** The figures of {@code metrics}, by kebab-case name, in name order. */
    static Map<String, Method> of(Object metrics) {
        Map<String, Method> figures = new TreeMap<>();
        for (Method m : metrics.getClass().getMethods()) {
            Class<?> type = m.getReturnType();
            boolean figure = type == long.class || type == int.class || type == double.class || type == boolean.class;
            if (figure && m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())
                    && m.getDeclaringClass() != Object.class) {
                figures.put(kebab(m.getName()), m);
            }
        }
        return figures;
    }

    /** {@code lostRaces} as {@code lost-races}. */
    static String kebab(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
