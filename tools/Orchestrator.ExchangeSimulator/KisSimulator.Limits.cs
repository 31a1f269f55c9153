using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// KIS's published limits as switches (see the KIS adapter's README for what is assumed): one access
/// token per minute per app key (<c>EGW00133</c>), a token endpoint that is down, and — in
/// <c>KisSimulator.Realtime.cs</c> — one WebSocket session per approval key and at most
/// <see cref="MaxRealtimeRegistrations"/> registrations per session. The per-second REST limit is
/// <see cref="RequestsPerSecondLimit"/> (EGW00201).
/// </summary>
public sealed partial class KisSimulator
{
    private readonly Lock _tokenRule = new();
    private int _tokenRequests;
    private DateTimeOffset _lastTokenIssued = DateTimeOffset.MinValue;

    /// <summary>Requests to <c>/oauth2/tokenP</c> with valid keys, answered or refused.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>
    /// KIS issues one access token per app key per this interval (KIS: 1 minute; zero = off, the default):
    /// a request sooner is refused 403 with <c>EGW00133</c>.
    /// </summary>
    public TimeSpan TokenIssueInterval { get; set; }

    /// <summary>The token endpoint is down: every request gets an HTML 500 (a proxy in trouble).</summary>
    public bool TokenEndpointDown { get; set; }

    /// <summary>
    /// Real-time registrations one WebSocket session may hold (KIS: 41, trade ticks, quotes and
    /// execution notices together; 0 = no limit, the default): one more is refused with <c>rt_cd</c> "1".
    /// </summary>
    public int MaxRealtimeRegistrations { get; set; }

    /// <summary>One WebSocket session per approval key (KIS's rule; off by default): a second concurrent session's subscribes are refused.</summary>
    public bool OneSessionPerApprovalKey { get; set; }

    /// <summary>The refusal a token request with valid keys gets under the switches, or null to issue one.</summary>
    private IResult? TokenRuleAnswer()
    {
        Interlocked.Increment(ref _tokenRequests);
        if (TokenEndpointDown)
        {
            return Results.Text("<html>502 Bad Gateway</html>", "text/html", statusCode: 500);
        }

        lock (_tokenRule)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (TokenIssueInterval > TimeSpan.Zero && now - _lastTokenIssued < TokenIssueInterval)
            {
                return Results.Json(new JsonObject { ["error_description"] = "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)", ["error_code"] = "EGW00133" }, statusCode: 403);
            }

            _lastTokenIssued = now;
            return null;
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SimConnection> _sessionByApprovalKey = new(StringComparer.Ordinal);
    private int _refusedSubscribes;

    /// <summary>Subscribes refused under <see cref="OneSessionPerApprovalKey"/> or <see cref="MaxRealtimeRegistrations"/>.</summary>
    public int RefusedSubscribes => Volatile.Read(ref _refusedSubscribes);

    /// <summary>
    /// The refusal a subscribe gets under the switches (KIS's answers as users report them:
    /// OPSP8996 "ALREADY IN USE appkey" for a second session, OPSP0008 "MAX SUBSCRIBE OVER" past the
    /// cap), or null to take it. A repeated subscribe of what the session holds is not a new registration.
    /// </summary>
    private string? RealtimeRuleRefusal(SimConnection connection, string? approvalKey, string trId, string trKey)
    {
        if (OneSessionPerApprovalKey && approvalKey is not null)
        {
            SimConnection owner = _sessionByApprovalKey.GetOrAdd(approvalKey, connection);
            if (owner != connection && _live.ContainsKey(owner))
            {
                return Refusal(trId, trKey, "OPSP8996", "ALREADY IN USE appkey");
            }

            _sessionByApprovalKey[approvalKey] = connection;
        }

        bool notice = trId is "H0STCNI0" or "H0STCNI9";
        bool held = notice ? connection.NoticeTrId is not null : connection.Subscriptions.ContainsKey((trId, trKey));
        int registrations = connection.Subscriptions.Count + (connection.NoticeTrId is null ? 0 : 1);
        return MaxRealtimeRegistrations > 0 && !held && registrations >= MaxRealtimeRegistrations
            ? Refusal(trId, trKey, "OPSP0008", "MAX SUBSCRIBE OVER")
            : null;
    }

    private string Refusal(string trId, string trKey, string code, string message)
    {
        Interlocked.Increment(ref _refusedSubscribes);
        return new JsonObject
        {
            ["header"] = new JsonObject { ["tr_id"] = trId, ["tr_key"] = trKey, ["encrypt"] = "N" },
            ["body"] = new JsonObject { ["rt_cd"] = "1", ["msg_cd"] = code, ["msg1"] = message },
        }.ToJsonString();
    }

    /// <summary>A closed session frees its approval key.</summary>
    private void ReleaseApprovalKey(SimConnection connection)
    {
        foreach (KeyValuePair<string, SimConnection> entry in _sessionByApprovalKey)
        {
            if (entry.Value == connection)
            {
                _sessionByApprovalKey.TryRemove(entry);
            }
        }
    }
}
