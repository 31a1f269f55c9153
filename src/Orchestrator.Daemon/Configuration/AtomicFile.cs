namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// Writes a file so that a crash at any instant leaves either the old content or the new one,
/// never a torn mix: the new content goes to a temporary file in the same directory, is
/// flushed to disk, the previous version is kept as <c>FILE.bak</c>, and the temporary file is
/// renamed over the original (an atomic replace on POSIX file systems).
/// </summary>
public static class AtomicFile
{
    public const string TempMarker = ".tmp-";

    /// <param name="path">The file to replace.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="beforeRename">Test hook: runs after the new content is durable and before the rename (a crash there must lose nothing).</param>
    public static void Write(string path, string content, Action? beforeRename = null)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(directory, Path.GetFileName(full) + TempMarker + Guid.NewGuid().ToString("N"));
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        beforeRename?.Invoke();
        if (File.Exists(full))
        {
            File.Copy(full, full + ".bak", overwrite: true);
        }

        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Removes temporary files a crash left next to <paramref name="path"/>; returns how many.</summary>
    public static int CleanUpAfterCrash(string path)
    {
        string full = Path.GetFullPath(path);
        int removed = 0;
        foreach (string stale in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, Path.GetFileName(full) + TempMarker + "*"))
        {
            File.Delete(stale);
            removed++;
        }

        return removed;
    }
}
