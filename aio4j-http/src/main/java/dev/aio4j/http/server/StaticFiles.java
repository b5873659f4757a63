package dev.aio4j.http.server;

import dev.aio4j.Aio;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Serves the files of one directory (aiohttp's {@code add_static}); see
 * {@link Router#staticFiles}. The file-system checks run off the loop through
 * {@link Aio#toThread}, as file I/O blocks the carrier.
 */
final class StaticFiles implements Handler {

    private final Path root;

    StaticFiles(Path directory) {
        this.root = directory.toAbsolutePath().normalize();
    }

    @Override
    public Response handle(Request request) throws Exception {
        String rel = request.pathParam("path");
        for (String segment : rel.split("/")) {
            // ".." could leave the root; dot-files are not published by default.
            if (segment.startsWith(".") || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
                throw new HttpError(404);
            }
        }
        Path target = root.resolve(rel).normalize();
        if (!target.startsWith(root)) {
            throw new HttpError(404);
        }
        Path file = Aio.toThread(() -> {
            Path f = target;
            if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                f = f.resolve("index.html");
            }
            return Files.isRegularFile(f) && Files.isReadable(f) ? f : null;
        });
        if (file == null) {
            throw new HttpError(404);
        }
        return Response.file(file);
    }
}
