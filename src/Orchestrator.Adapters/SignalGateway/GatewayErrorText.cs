using System.Globalization;
using System.Text;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>The fixed, field-named message of each <see cref="GatewayError"/>, pre-encoded as UTF-8 JSON string content.</summary>
public static class GatewayErrorText
{
    private static readonly byte[][] s_utf8 = Build();

    /// <summary>The message as text (logs, tests).</summary>
    public static string Get(GatewayError error) => error switch
    {
        GatewayError.MalformedJson => "json: malformed; send one JSON object per line",
        GatewayError.NotAnObject => "json: expected an object",
        GatewayError.InvalidUtf8 => "line: not valid UTF-8",
        GatewayError.LineTooLong => "line: longer than max_line_bytes; skipped to the next newline",
        GatewayError.DuplicateProperty => "json: a property is given twice",
        GatewayError.SymbolMissing => "symbol: required",
        GatewayError.SymbolNotString => "symbol: must be a string",
        GatewayError.SymbolUnknown => "symbol: not traded here",
        GatewayError.SideMissing => "side: required",
        GatewayError.SideInvalid => "side: must be BUY or SELL",
        GatewayError.ConfidenceMissing => "confidence: required",
        GatewayError.ConfidenceNotNumber => "confidence: must be a number",
        GatewayError.ConfidenceOutOfRange => "confidence: must be between 0 and 1",
        GatewayError.PriceNotNumber => "price: must be a number",
        GatewayError.PriceOutOfRange => "price: must be between 0 and 1000000000 (0 = market)",
        GatewayError.ReasonNotString => "reason: must be a string",
        GatewayError.ReasonTooLong => "reason: at most " + Number(SignalLimits.MaxReasonLength) + " characters",
        GatewayError.SourceNotString => "source: must be a string",
        GatewayError.SourceInvalid => "source: 1 to " + Number(SignalLimits.MaxSourceLength) + " characters",
        GatewayError.IdNotString => "id: must be a string",
        GatewayError.IdTooLong => "id: at most " + Number(SignalLineParser.MaxIdBytes) + " bytes",
        GatewayError.AuthRequired => "auth: required; send 'auth <token>' first",
        GatewayError.AuthFailed => "auth: invalid token",
        GatewayError.TooManyConnections => "connection: too many connections; try again later",
        GatewayError.InvalidText => "json: a string holds an escape that is no text (a lone surrogate such as U+D800)",
        GatewayError.Internal => "line: not processed (an internal error, logged); nothing was published",
        GatewayError.AuthTimeout => "auth: not sent within auth_timeout; connection closed",
        GatewayError.IdleTimeout => "connection: idle longer than idle_timeout; closed",
        GatewayError.UnsafeText => "reason, source: control, line-separator (U+2028/U+2029) and bidi characters are not allowed",
        GatewayError.Evicted => "connection: closed to make room for a new client (this one was the idlest)",
        GatewayError.OrderTypeInvalid => SignalIntentRules.OrderTypeInvalidMessage,
        GatewayError.LimitPriceNotNumber => "limit_price: must be a number",
        GatewayError.LimitPriceOutOfRange => SignalIntentRules.LimitPriceOutOfRangeMessage,
        GatewayError.PriceAndLimitPrice => SignalIntentRules.Message(SignalIntentProblem.PriceAndLimitPrice),
        GatewayError.StopPriceNotNumber => "stop_price: must be a number",
        GatewayError.StopPriceOutOfRange => SignalIntentRules.StopPriceOutOfRangeMessage,
        GatewayError.TifInvalid => SignalIntentRules.TifInvalidMessage,
        GatewayError.QuantityInvalid => SignalIntentRules.QuantityInvalidMessage,
        GatewayError.LimitPriceRequired => SignalIntentRules.Message(SignalIntentProblem.LimitPriceRequired),
        GatewayError.StopPriceRequired => SignalIntentRules.Message(SignalIntentProblem.StopPriceRequired),
        GatewayError.LimitPriceNotAllowed => SignalIntentRules.Message(SignalIntentProblem.LimitPriceNotAllowed),
        GatewayError.StopPriceNotAllowed => SignalIntentRules.Message(SignalIntentProblem.StopPriceNotAllowed),
        GatewayError.UnknownMessageType => "type: unknown message type (hello, signal, heartbeat, response)",
        GatewayError.HelloRequired => "hello: required before heartbeat and response lines",
        GatewayError.ResponseInvalid => "response: needs request_id (a string naming a pending request) and result or error",
        GatewayError.AgentQueueFull => "agent: did not read its orders and fills (its reliable queue is full); disconnected, they are replayed on the next hello",
        GatewayError.AgentReplaced => "agent: another connection said hello with this name; this one is closed",
        GatewayError.SourceReserved => "source: reserved (a built-in source, an in-process strategy or agent, MCP, or an external agent's name held by its hello or agent token); a plain connection may not sign as it",
        GatewayError.ActionInvalid => SignalIntentRules.ActionInvalidMessage,
        GatewayError.OrderIdInvalid => SignalIntentRules.OrderIdInvalidMessage,
        >= GatewayError.TakeProfitInvalid and <= GatewayError.CancelFieldNotAllowed => SignalIntentRules.Message(SignalLineParser.IntentProblem(error)),
        _ => "none",
    };

    /// <summary>The message as UTF-8 bytes, ready for a JSON string (no characters needing escapes).</summary>
    public static ReadOnlySpan<byte> Utf8(GatewayError error) => s_utf8[(int)error];

    private static byte[][] Build()
    {
        GatewayError[] all = Enum.GetValues<GatewayError>();
        var table = new byte[all.Length][];
        foreach (GatewayError error in all)
        {
            table[(int)error] = Encoding.UTF8.GetBytes(Get(error));
        }

        return table;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
