package dev.kiln.apk;

/**
 * Who owns each entry of a package's data tree, from the host ids of the file Kiln packs. A build
 * runs as root of its own user namespace whose ids are offset on the host, so the package records
 * the ids (and names) the build saw, not the host's: root for everything unless the recipe chowned.
 */
@FunctionalInterface
public interface FileOwners {

    /** The owner of a file with these host ids. */
    Owner of(int hostUid, int hostGid);

    /** Every entry root:root, whatever the host says (packages assembled from arbitrary host trees). */
    FileOwners ROOT = (uid, gid) -> Owner.ROOT;

    /**
     * An owner as the tar header records it.
     *
     * @param user the account name for {@code uid} ({@code uname}); empty when it has none
     * @param group the group name for {@code gid} ({@code gname}); empty when it has none
     */
    record Owner(int uid, int gid, String user, String group) {
        public static final Owner ROOT = new Owner(0, 0, "root", "root");

        public Owner {
            if (uid < 0 || gid < 0) {
                throw new ApkException("owner ids must not be negative, got " + uid + ":" + gid);
            }
            user = user == null ? "" : user;
            group = group == null ? "" : group;
        }
    }
}
