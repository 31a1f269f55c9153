namespace Orchestrator.Adapters.Alpaca;

/// <summary>
/// An Alpaca API key pair. The secret never leaves through <see cref="ToString"/>, logs or
/// exception messages; only the headers and the streams' log-in messages carry it.
/// </summary>
public sealed class AlpacaCredentials
{
    public AlpacaCredentials(string keyId, string secretKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretKey);
        KeyId = keyId;
        SecretKey = secretKey;
    }

    /// <summary><c>APCA-API-KEY-ID</c>.</summary>
    public string KeyId { get; }

    /// <summary><c>APCA-API-SECRET-KEY</c>: never print it.</summary>
    public string SecretKey { get; }

    /// <summary>
    /// The streams' log-in, <c>{"action":"auth","key":…,"secret":…}</c> (the trading stream and
    /// market data v2 both take it). Carries the secret: never log it.
    /// </summary>
    internal string AuthMessage() =>
        new System.Text.Json.Nodes.JsonObject { ["action"] = "auth", ["key"] = KeyId, ["secret"] = SecretKey }.ToJsonString();

    public override string ToString() => "Alpaca key " + KeyId + ", secret ***";
}
