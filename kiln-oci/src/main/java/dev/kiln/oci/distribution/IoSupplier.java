package dev.kiln.oci.distribution;

import java.io.IOException;

/** Opens content again on demand, so an upload can be retried or resumed from the start. */
@FunctionalInterface
public interface IoSupplier<T> {
    T get() throws IOException;
}
