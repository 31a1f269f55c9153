using System.Text;

namespace Orchestrator.Agents.Supervision;

/// <summary>
/// Reads an agent's stdout or stderr and hands it on line by line, in bounded memory: a line longer
/// than the limit is cut there (marked, the rest skipped to its newline), never buffered whole, and
/// each line is scrubbed of the agent's token before anyone sees it.
/// </summary>
internal sealed class AgentOutputPump
{
    /// <summary>The marker a cut line ends with.</summary>
    public const string TruncatedMarker = " …(line cut)";

    /// <summary>What a token in an agent's output is replaced with.</summary>
    public const string Redacted = "***";

    private readonly int _maxLineBytes;
    private readonly Action<string> _line;

    public AgentOutputPump(int maxLineBytes, Action<string> line)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        ArgumentNullException.ThrowIfNull(line);
        _maxLineBytes = maxLineBytes;
        _line = line;
    }

    /// <summary>Reads <paramref name="stream"/> to its end (the process and its group closed it), scrubbing <paramref name="secret"/> from every line.</summary>
    public async Task RunAsync(Stream stream, string? secret)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = new byte[4096];
        byte[] line = new byte[_maxLineBytes];
        int length = 0;
        bool cut = false;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                for (int i = 0; i < read; i++)
                {
                    byte b = buffer[i];
                    if (b == (byte)'\n')
                    {
                        Emit(line, length, cut, secret);
                        length = 0;
                        cut = false;
                    }
                    else if (length < line.Length)
                    {
                        line[length++] = b;
                    }
                    else
                    {
                        cut = true;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // the pipe went away with the process: what was read is still handed on
        }

        if (length > 0 || cut)
        {
            Emit(line, length, cut, secret);
        }
    }

    private void Emit(byte[] line, int length, bool cut, string? secret)
    {
        if (length > 0 && line[length - 1] == (byte)'\r')
        {
            length--;
        }

        string text = Scrub(Encoding.UTF8.GetString(line, 0, length), secret, cut);
        _line(cut ? text + TruncatedMarker : text);
    }

    /// <summary>
    /// <paramref name="text"/> with every occurrence of <paramref name="secret"/> replaced; a cut line
    /// also loses a trailing start of it (at least 8 characters: a cut may fall inside the token).
    /// </summary>
    public static string Scrub(string text, string? secret, bool cut)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return text;
        }

        text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        if (cut)
        {
            for (int k = Math.Min(secret.Length - 1, text.Length); k >= 8; k--)
            {
                if (text.EndsWith(secret.AsSpan(0, k), StringComparison.Ordinal))
                {
                    return string.Concat(text.AsSpan(0, text.Length - k), Redacted);
                }
            }
        }

        return text;
    }
}
