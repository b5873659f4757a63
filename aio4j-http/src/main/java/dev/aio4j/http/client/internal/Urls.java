package dev.aio4j.http.client.internal;

import dev.aio4j.http.client.InvalidUrlError;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** URL building for requests: a base URL, query parameters, form encoding, the limiter's host key. */
public final class Urls {
    private Urls() {}

    /**
     * {@code url} resolved against {@code base} (may be null) with {@code params} appended to its
     * query, percent-encoded.
     *
     * @throws InvalidUrlError if the result is not an absolute http or https URL
     */
    public static URI resolve(URI base, String url, List<Map.Entry<String, String>> params) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidUrlError(url, e);
        }
        if (!uri.isAbsolute()) {
            if (base == null) {
                throw new InvalidUrlError(url, "a relative URL needs a base URL (HttpSession.builder().baseUrl)");
            }
            uri = base.resolve(uri);
        }
        check(url, uri);
        if (params.isEmpty()) {
            return uri;
        }
        StringBuilder q = new StringBuilder();
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            q.append(uri.getRawQuery());
        }
        for (Map.Entry<String, String> p : params) {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(encode(p.getKey())).append('=').append(encode(p.getValue()));
        }
        String s = uri.toString();
        int cut = s.indexOf('?');
        if (cut < 0) {
            cut = s.indexOf('#');
        }
        String head = cut < 0 ? s : s.substring(0, cut);
        String fragment = uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment();
        return URI.create(head + "?" + q + fragment);
    }

    /**
     * @throws InvalidUrlError unless {@code uri} is absolute, http or https, with a host
     */
    public static URI check(String given, URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidUrlError(given, "the scheme must be http or https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidUrlError(given, "no host");
        }
        return uri;
    }

    /** application/x-www-form-urlencoded text of {@code fields}. */
    public static String form(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ?> f : fields.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(String.valueOf(f.getValue()), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** The key of the per-host limit: scheme, host and port, as aiohttp keys its connections. */
    public static String hostKey(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
