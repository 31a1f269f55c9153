namespace Orchestrator.Core;

/// <summary>
/// The rules every outside signal passes before it reaches the ring, in one place for every
/// edge that takes signals (agents, the TCP signal gateway): confidence in [0, 1], price in
/// [0, <see cref="MaxPrice"/>] (0 = market), bounded free text, and each edge's own id range.
/// </summary>
public static class SignalLimits
{
    /// <summary>Longest reason text, in characters.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Longest source (agent) name, in characters.</summary>
    public const int MaxSourceLength = 64;

    /// <summary>Longest sender's signal id echoed back (UTF-8 bytes at the gateway, characters over MCP).</summary>
    public const int MaxIdLength = 64;

    /// <summary>Highest price a signal may carry, in whole units; above it the number is absurd.</summary>
    public const decimal MaxPrice = 1_000_000_000m;

    /// <summary>Confidence 1.0 in <see cref="EngineEvent.ConfidencePpm"/> units.</summary>
    public const int ConfidenceScalePpm = 1_000_000;

    /// <summary>
    /// Signal ids the engine's in-process strategy host assigns start here (one counter for all its
    /// strategies, in event order, so a replay of the same journal assigns the same ids); below the agents'.
    /// </summary>
    public const long StrategySignalIdBase = 6_000_000_000_000;

    /// <summary>Signal ids assigned by the agents' publisher start here.</summary>
    public const long AgentSignalIdBase = 7_000_000_000_000;

    /// <summary>Signal ids assigned by the TCP signal gateway start here (8e12 + (slot &lt;&lt; 32) + line number).</summary>
    public const long GatewaySignalIdBase = 8_000_000_000_000;

    /// <summary>The first id past the gateway's range (room for 256 connection slots of 2^32 lines).</summary>
    public const long GatewaySignalIdEnd = GatewaySignalIdBase + (256L << 32);

    /// <summary>Whether <paramref name="confidence"/> is a valid confidence.</summary>
    public static bool IsValidConfidence(decimal confidence) => confidence is >= 0m and <= 1m;

    /// <summary>Whether <paramref name="price"/> is a valid signal price (0 = market).</summary>
    public static bool IsValidPrice(decimal price) => price is >= 0m and <= MaxPrice;

    /// <summary>
    /// Whether <paramref name="c"/> may not stand in a text from outside (reason, source): control
    /// characters (C0, DEL, C1 — so no line break), the line and paragraph separators U+2028/U+2029,
    /// and the bidi controls U+200E/U+200F, U+202A–U+202E, U+2066–U+2069. Readers that split lines
    /// or render direction on them would show a forged line (e.g. "Order filled: …") in a log.
    /// </summary>
    public static bool IsUnsafeTextChar(char c) =>
        c < ' ' || c is >= '\u007F' and <= '\u009F' || c is '\u2028' or '\u2029' or '\u200E' or '\u200F' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';

    /// <summary>Whether <paramref name="text"/> holds no <see cref="IsUnsafeTextChar"/> character (edges refuse a text that does).</summary>
    public static bool IsSafeText(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (IsUnsafeTextChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <paramref name="text"/> fit for one log line: each <see cref="IsUnsafeTextChar"/> character
    /// written as <c>\uXXXX</c> (the same text when there is none, without allocating).
    /// </summary>
    public static string EscapeUnsafe(string text)
    {
        if (string.IsNullOrEmpty(text) || IsSafeText(text))
        {
            return text ?? string.Empty;
        }

        var escaped = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (IsUnsafeTextChar(c))
            {
                escaped.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>Confidence in [0, 1] as parts per million, truncated.</summary>
    public static int ToConfidencePpm(decimal confidence) => (int)(confidence * ConfidenceScalePpm);
}
