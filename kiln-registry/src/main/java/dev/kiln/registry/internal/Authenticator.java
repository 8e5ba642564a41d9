package dev.kiln.registry.internal;

import dev.kiln.registry.AccessPolicy;
import dev.kiln.registry.AccessPolicy.Action;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/**
 * Decides who a request comes from (Basic credentials, a bearer token, or nobody) and whether it
 * may act on a repository. Without an htpasswd file the registry is open, as on a developer's
 * loopback. Credentials never reach a log or an error message.
 */
public final class Authenticator {
    private final @Nullable Htpasswd htpasswd;
    private final AccessPolicy policy;
    private final Tokens tokens;
    private final String service;
    private final LoginThrottle throttle;

    public Authenticator(
            @Nullable Htpasswd htpasswd, AccessPolicy policy, Tokens tokens, String service, LoginThrottle throttle) {
        this.htpasswd = htpasswd;
        this.policy = policy;
        this.tokens = tokens;
        this.service = service;
        this.throttle = throttle;
    }

    /** Who is calling. {@code token} is set when the caller presented a bearer token. */
    public record Caller(
            @Nullable String user, boolean open, Tokens.@Nullable Claims token, boolean presentedCredentials) {
        static final Caller OPEN = new Caller(null, true, null, false);
        static final Caller ANONYMOUS = new Caller(null, false, null, false);
    }

    public boolean enabled() {
        return htpasswd != null;
    }

    public Caller identify(Exchange ex) {
        if (htpasswd == null) {
            return Caller.OPEN;
        }
        String authorization = ex.header(HttpHeader.AUTHORIZATION);
        if (authorization == null) {
            return Caller.ANONYMOUS;
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String user = basicUser(ex, htpasswd, authorization);
            if (user == null) {
                throw challenge(ex, null, "invalid username or password");
            }
            return new Caller(user, false, null, true);
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Tokens.Claims claims = tokens.verify(authorization.substring(7).trim())
                    .orElseThrow(() -> challenge(ex, null, "bearer token is invalid or expired"));
            return new Caller(claims.user(), false, claims, true);
        }
        throw challenge(ex, null, "unsupported authorization scheme");
    }

    /** Throws 401 (with a token challenge) or 403 unless the caller may perform the action. */
    public void require(Exchange ex, Caller caller, String repository, Action action) {
        if (allowed(caller, repository).contains(action)) {
            return;
        }
        String scope = "repository:" + repository + ":" + (action == Action.PUSH ? "pull,push" : action.scopeName());
        if (caller.user() == null || caller.token() != null) {
            throw challenge(ex, scope, "authentication required to " + action.scopeName() + " " + repository);
        }
        throw new HttpError(403, ErrorCode.DENIED, "user may not " + action.scopeName() + " " + repository, repository);
    }

    public Set<Action> allowed(Caller caller, String repository) {
        if (caller.open()) {
            return EnumSet.allOf(Action.class);
        }
        if (caller.token() != null) {
            Set<Action> granted = caller.token().access().get(repository);
            return granted == null ? Set.of() : granted;
        }
        return policy.allowed(caller.user(), repository);
    }

    public boolean mayListCatalog(Caller caller) {
        return caller.open() || (caller.token() != null ? caller.token().catalog() : caller.user() != null);
    }

    public void requireCatalog(Exchange ex, Caller caller) {
        if (!mayListCatalog(caller) && (caller.user() == null || caller.token() != null)) {
            throw challenge(ex, "registry:catalog:*", "authentication required to list repositories");
        }
    }

    /** GET /token: a token for the intersection of the requested scopes and what the policy grants. */
    public void issueToken(Exchange ex) {
        String user = null;
        String authorization = ex.header(HttpHeader.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6) && htpasswd != null) {
            user = basicUser(ex, htpasswd, authorization);
            if (user == null) {
                throw new HttpError(401, ErrorCode.UNAUTHORIZED, "invalid username or password");
            }
        }
        Map<String, Set<Action>> access = new LinkedHashMap<>();
        boolean catalog = false;
        List<String> requested = ex.queryValues("scope");
        for (String scopes : requested == null ? List.<String>of() : requested) {
            for (String scope : scopes.split(" ")) {
                String[] parts = scope.split(":");
                if (parts.length == 3 && parts[0].equals("registry") && parts[1].equals("catalog")) {
                    catalog = user != null;
                    continue;
                }
                if (parts.length != 3 || !parts[0].equals("repository") || !Names.isRepository(parts[1])) {
                    continue;
                }
                EnumSet<Action> wanted = EnumSet.noneOf(Action.class);
                for (String a : parts[2].split(",")) {
                    switch (a) {
                        case "pull" -> wanted.add(Action.PULL);
                        case "push" -> wanted.add(Action.PUSH);
                        case "delete" -> wanted.add(Action.DELETE);
                        case "*" -> wanted.addAll(EnumSet.allOf(Action.class));
                        default -> {}
                    }
                }
                wanted.retainAll(htpasswd == null ? EnumSet.allOf(Action.class) : policy.allowed(user, parts[1]));
                access.merge(parts[1], wanted, (x, y) -> {
                    EnumSet<Action> both = EnumSet.copyOf(x);
                    both.addAll(y);
                    return both;
                });
            }
        }
        String token = tokens.issue(new Tokens.Claims(user, access, catalog));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("access_token", token);
        body.put("expires_in", tokens.lifetime().toSeconds());
        ex.sendJson(200, "application/json", body);
    }

    /** The 401 a client that has not logged in gets from {@code /v2/}, naming the token realm. */
    public HttpError loginChallenge(Exchange ex) {
        return challenge(ex, null, "authentication required");
    }

    /** A 401 asking for Basic credentials, for endpoints outside the token flow such as {@code /metrics}. */
    public HttpError basicChallenge(Exchange ex, String message) {
        ex.header(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + service + "\"");
        return new HttpError(401, ErrorCode.UNAUTHORIZED, message);
    }

    private HttpError challenge(Exchange ex, @Nullable String scope, String message) {
        var uri = ex.request().getHttpURI();
        String realm = uri.getScheme() + "://" + uri.getAuthority() + "/token";
        ex.header(
                HttpHeader.WWW_AUTHENTICATE,
                "Bearer realm=\"" + realm + "\",service=\"" + service + "\""
                        + (scope == null ? "" : ",scope=\"" + scope + "\""));
        return new HttpError(401, ErrorCode.UNAUTHORIZED, message, scope);
    }

    /**
     * The user of a Basic authorization whose password htpasswd accepts; null when it is malformed or wrong.
     * A client address that has used up its failed logins gets 429 before any bcrypt runs.
     */
    private @Nullable String basicUser(Exchange ex, Htpasswd htpasswd, String authorization) {
        String address = ex.clientAddress();
        long retryAfter = throttle.acquire(address);
        if (retryAfter > 0) {
            ex.header(HttpHeader.RETRY_AFTER, Long.toString(retryAfter));
            throw new HttpError(
                    429,
                    ErrorCode.TOOMANYREQUESTS,
                    "too many failed logins from " + address + "; try again in " + retryAfter + " s",
                    address);
        }
        String user = checkBasic(htpasswd, authorization);
        if (user != null) {
            throttle.succeeded(address);
        }
        return user;
    }

    private @Nullable String checkBasic(Htpasswd htpasswd, String authorization) {
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        return htpasswd.check(user, decoded.substring(colon + 1)) ? user : null;
    }
}
