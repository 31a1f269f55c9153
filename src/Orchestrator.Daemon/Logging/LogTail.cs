using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Daemon.Logging;

/// <summary>Which lines of the JSON log <c>orchestrator tail</c> prints.</summary>
/// <param name="MinimumLevel">INFO, WARNING, ERROR or CRITICAL (and above); null = all.</param>
/// <param name="Symbol">Only lines whose <c>symbol</c> field is this (case-insensitive); null = all.</param>
/// <param name="Kind">orders, signals, rejects or alerts; null = all.</param>
public sealed record TailFilter(string? MinimumLevel = null, string? Symbol = null, string? Kind = null)
{
    public static IReadOnlyList<string> Levels { get; } = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

    public static IReadOnlyList<string> Kinds { get; } = ["orders", "signals", "rejects", "alerts"];

    /// <summary>
    /// Whether a log line (one JSON object) passes. Kinds by the <c>event</c> field the audit
    /// writer adds: orders = <c>order_*</c>; signals = <c>rule_signal</c>, <c>signal_received</c>,
    /// <c>protective_exit</c>; rejects = <c>risk_rejected</c>, <c>order_rejected</c>; alerts =
    /// an <c>alert</c> field or event, a logger named <c>*Alert*</c>, or a CRITICAL line.
    /// </summary>
    public bool Matches(JsonElement line)
    {
        string level = Text(line, "level") ?? "INFO";
        if (MinimumLevel is not null && Rank(level) < Rank(MinimumLevel))
        {
            return false;
        }

        if (Symbol is not null && !string.Equals(Text(line, "symbol"), Symbol, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (Kind is null)
        {
            return true;
        }

        string ev = Text(line, "event") ?? string.Empty;
        return Kind switch
        {
            "orders" => ev.StartsWith("order_", StringComparison.Ordinal),
            "signals" => ev is "rule_signal" or "signal_received" or "protective_exit",
            "rejects" => ev is "risk_rejected" or "order_rejected",
            "alerts" => line.TryGetProperty("alert", out _) || ev.StartsWith("alert", StringComparison.Ordinal)
                || (Text(line, "logger") ?? string.Empty).Contains("Alert", StringComparison.OrdinalIgnoreCase) || Rank(level) >= Rank("CRITICAL"),
            _ => false,
        };
    }

    /// <summary>The position of a level name in <see cref="Levels"/> (WARN and FATAL accepted as aliases); -1 if unknown.</summary>
    public static int Rank(string level)
    {
        string name = level.ToUpperInvariant() switch
        {
            "WARN" => "WARNING",
            "FATAL" => "CRITICAL",
            var other => other,
        };
        for (int i = 0; i < Levels.Count; i++)
        {
            if (Levels[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    internal static string? Text(JsonElement line, string name) =>
        line.TryGetProperty(name, out JsonElement value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        } : null;
}

/// <summary>What a tail printed and skipped.</summary>
public sealed record TailResult(long Printed, long Skipped, long Malformed);

/// <summary>
/// Reads the JSON-lines log, keeps the lines a <see cref="TailFilter"/> passes and prints them
/// as human lines (<c>[time] [LEVEL] [symbol] message</c>), coloured by level when asked. With
/// follow it keeps reading what is appended, and starts over on a new file when the log is
/// rolled or recreated. A line that is not a JSON object is skipped and counted, never fatal.
/// </summary>
public sealed class LogTail(string path, TailFilter filter, TextWriter output, bool colour)
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);

    private long _printed;
    private long _skipped;
    private long _malformed;

    /// <summary>Set once the existing content has been read (follow mode keeps going after it).</summary>
    public Task CaughtUp => _caughtUp.Task;

    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TailResult Result => new(Interlocked.Read(ref _printed), Interlocked.Read(ref _skipped), Interlocked.Read(ref _malformed));

    /// <summary>Reads the file to its end; with <paramref name="follow"/>, goes on until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<TailResult> RunAsync(bool follow, CancellationToken cancellationToken)
    {
        var pending = new StringBuilder();
        FileStream? stream = null;
        StreamReader? reader = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (stream is null)
                {
                    stream = TryOpen();
                    reader = stream is null ? null : new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
                    if (stream is null && !follow)
                    {
                        throw new FileNotFoundException($"log file '{path}' does not exist", path);
                    }
                }

                if (reader is not null)
                {
                    await DrainAsync(reader, pending, cancellationToken).ConfigureAwait(false);
                }

                if (!follow)
                {
                    Flush(pending); // a last line without its newline
                    break;
                }

                _caughtUp.TrySetResult();
                if (stream is not null && Replaced(stream))
                {
                    // Rolled or recreated: what the old file still held was read above; start the new one from its beginning.
                    await DrainAsync(reader!, pending, cancellationToken).ConfigureAwait(false);
                    Flush(pending);
                    reader!.Dispose();
                    await stream.DisposeAsync().ConfigureAwait(false);
                    stream = null;
                    reader = null;
                    continue;
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(s_pollInterval, cancellationToken).ConfigureAwait(false); // polling the file: nothing to wake us on Linux for an append elsewhere
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // follow ends with Ctrl+C
        }
        finally
        {
            reader?.Dispose();
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            _caughtUp.TrySetResult();
        }

        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return Result;
    }

    private FileStream? TryOpen()
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Whole lines to the filter; a partial last line waits in <paramref name="pending"/> for the rest.</summary>
    private async Task DrainAsync(StreamReader reader, StringBuilder pending, CancellationToken cancellationToken)
    {
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            int start = 0;
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] == '\n')
                {
                    pending.Append(buffer, start, i - start);
                    Handle(pending.ToString());
                    pending.Clear();
                    start = i + 1;
                }
            }

            pending.Append(buffer, start, read - start);
        }
    }

    private void Flush(StringBuilder pending)
    {
        if (pending.Length > 0)
        {
            Handle(pending.ToString());
            pending.Clear();
        }
    }

    private void Handle(string line)
    {
        line = line.TrimEnd('\r');
        if (line.Length == 0)
        {
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Interlocked.Increment(ref _malformed);
                return;
            }

            if (!filter.Matches(root))
            {
                Interlocked.Increment(ref _skipped);
                return;
            }

            output.WriteLine(Format(root, colour));
            Interlocked.Increment(ref _printed);
        }
    }

    /// <summary>One human line: <c>[2026-11-25 17:44:47] [INFO] [NVDA] Order filled: …</c>.</summary>
    public static string Format(JsonElement line, bool colour)
    {
        string time = TailFilter.Text(line, "time") is { } t && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at)
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "-";
        string level = TailFilter.Text(line, "level") ?? "INFO";
        string symbol = TailFilter.Text(line, "symbol") is { Length: > 0 } s ? " [" + s + "]" : string.Empty;
        string message = TailFilter.Text(line, "message") ?? string.Empty;
        string text = $"[{time}] [{level}]{symbol} {message}";
        if (!colour)
        {
            return text;
        }

        string? code = TailFilter.Rank(level) switch
        {
            >= 4 => "\u001b[1;31m", // CRITICAL: bold red
            3 => "\u001b[31m", // ERROR: red
            2 => "\u001b[33m", // WARNING: yellow
            _ => (TailFilter.Text(line, "event") ?? string.Empty) switch
            {
                "order_filled" or "order_partially_filled" => "\u001b[32m", // fills: green
                "rule_signal" or "signal_received" => "\u001b[36m", // signals: cyan
                "status" => "\u001b[2m", // status: dim
                _ => null,
            },
        };
        return code is null ? text : code + text + "\u001b[0m";
    }

    /// <summary>True when the log path no longer names the file <paramref name="stream"/> reads (rolled, deleted, recreated, or truncated).</summary>
    private bool Replaced(FileStream stream)
    {
        FileInfo current;
        try
        {
            current = new FileInfo(path);
            if (!current.Exists)
            {
                return false; // between a roll and the new file: keep reading the old one until the new one appears
            }
        }
        catch (IOException)
        {
            return false;
        }

        if (current.Length < stream.Position)
        {
            return true; // truncated, or a new, shorter file
        }

        if (OperatingSystem.IsLinux())
        {
            // The file our handle reads, as the kernel names it: "…/orchestrator.jsonl (deleted)" or the archive's name after a roll.
            try
            {
                string link = $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}";
                if (File.ResolveLinkTarget(link, returnFinalTarget: false)?.FullName is { } target)
                {
                    return !string.Equals(target, current.FullName, StringComparison.Ordinal);
                }
            }
            catch (IOException)
            {
                // fall back to the sizes below
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return current.Length > stream.Length; // a different file, larger than the one we hold
    }
}
