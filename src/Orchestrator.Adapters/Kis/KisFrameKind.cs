using System.Buffers.Text;

namespace Orchestrator.Adapters.Kis;

/// <summary>What a KIS real-time WebSocket frame turned out to be.</summary>
public enum KisFrameKind
{
    /// <summary>A plain data frame (<c>0|TR_ID|NNN|f0^f1^…</c>) whose records went to the sink.</summary>
    Data,

    /// <summary>A JSON control frame acknowledging a subscribe or unsubscribe.</summary>
    SubscribeAck,

    /// <summary>The server's keep-alive: echo the frame back unchanged.</summary>
    PingPong,

    /// <summary>An encrypted data frame (flag 1: execution notices, AES-256-CBC); counted, decoded by the execution feed.</summary>
    Encrypted,

    /// <summary>A well-formed data frame for a TR id this parser does not decode.</summary>
    UnknownTr,

    /// <summary>Not a frame this protocol sends: rejected, counted, never thrown.</summary>
    Malformed,
}

/// <summary>The outcome of parsing one frame.</summary>
public readonly record struct KisFrameResult(KisFrameKind Kind, int Records, string? Reason = null);

/// <summary>The header of a KIS data frame: <c>flag|tr_id|NNN|payload</c>.</summary>
internal static class KisDataFrame
{
    /// <summary>
    /// Splits a data frame into its encrypted flag, TR id, record count and payload; null on
    /// success, else why the frame is not one.
    /// </summary>
    public static string? TrySplit(ReadOnlySpan<byte> frame, out bool encrypted, out ReadOnlySpan<byte> trId, out int count, out ReadOnlySpan<byte> payload)
    {
        encrypted = false;
        trId = default;
        count = 0;
        payload = default;
        if (frame.Length < 2 || frame[0] is not ((byte)'0' or (byte)'1') || frame[1] != (byte)'|')
        {
            return "not a KIS frame: it starts with neither 0|, 1| nor {";
        }

        encrypted = frame[0] == (byte)'1';
        ReadOnlySpan<byte> rest = frame[2..];
        int bar = rest.IndexOf((byte)'|');
        if (bar <= 0)
        {
            return "data frame without a TR id";
        }

        trId = rest[..bar];
        rest = rest[(bar + 1)..];
        if (rest.Length < 4 || rest[3] != (byte)'|' || !Utf8Parser.TryParse(rest[..3], out count, out int used) || used != 3 || count <= 0)
        {
            return "data frame without a three-digit record count";
        }

        payload = rest[4..];
        return null;
    }
}
