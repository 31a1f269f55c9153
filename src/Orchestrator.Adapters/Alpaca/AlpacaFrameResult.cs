namespace Orchestrator.Adapters.Alpaca;

/// <summary>What one market-data frame (an array of messages) contained.</summary>
[Flags]
public enum AlpacaFrameFlags
{
    None = 0,

    /// <summary><c>{"T":"success","msg":"connected"}</c>: the server greets a new connection.</summary>
    Connected = 1,

    /// <summary><c>{"T":"success","msg":"authenticated"}</c>: the log-in was accepted.</summary>
    Authenticated = 2,

    /// <summary><c>{"T":"subscription",…}</c>: the server's list of what this connection receives.</summary>
    Subscription = 4,

    /// <summary><c>{"T":"error",…}</c>: see <see cref="AlpacaFrameResult.ErrorCode"/>.</summary>
    Error = 8,

    /// <summary>At least one trade, quote or bar went to the sink.</summary>
    Data = 16,

    /// <summary>The frame or one of its messages could not be read (counted, skipped).</summary>
    Malformed = 32,
}

/// <summary>The outcome of parsing one frame: what it held, ticks emitted, the last error code (0 = none).</summary>
public readonly record struct AlpacaFrameResult(AlpacaFrameFlags Flags, int Ticks, int ErrorCode);

/// <summary>Alpaca market-data stream error codes (<c>{"T":"error","code":…}</c>) and what each demands.</summary>
public static class AlpacaStreamErrors
{
    /// <summary>What the code means, in words for the log.</summary>
    public static string Describe(int code) => code switch
    {
        400 => "invalid syntax",
        401 => "not authenticated (a message came before the log-in)",
        402 => "authentication failed: the key id or secret is wrong",
        403 => "already authenticated",
        404 => "authentication timeout: no log-in in time after connecting",
        405 => "symbol limit exceeded",
        406 => "connection limit exceeded: another connection uses these keys",
        407 => "slow client: the server dropped messages we did not read in time",
        408 => "v2 not enabled for this account",
        409 => "insufficient subscription: the data plan does not cover this feed",
        410 => "invalid subscribe action for this feed",
        500 => "internal error at Alpaca",
        _ => "unknown error code",
    };

    /// <summary>
    /// True for errors reconnecting cannot fix — wrong keys (402), connection limit (406), no
    /// data subscription (409): the feed stops instead of hammering Alpaca, and a person must act.
    /// </summary>
    public static bool NeedsPerson(int code) => code is 402 or 406 or 409;
}
