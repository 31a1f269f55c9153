using System.Text.Json;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// What every agent session's writer reads in common: the symbols' names as JSON string content,
/// the heartbeat count (the gateway's sweep bumps it every heartbeat interval) and the latest
/// account state (replaced at most once per second, on change).
/// </summary>
internal sealed class AgentFeedShared
{
    private long _heartbeats;
    private long _heartbeatTsNs;
    private AccountState? _account;

    public AgentFeedShared(IReadOnlyList<string> symbols)
    {
        SymbolNames = [.. symbols.Select(s => JsonEncodedText.Encode(s).EncodedUtf8Bytes.ToArray())];
    }

    public byte[][] SymbolNames { get; }

    public long Heartbeats => Volatile.Read(ref _heartbeats);

    public long HeartbeatTsNs => Volatile.Read(ref _heartbeatTsNs);

    public AccountState? Account => Volatile.Read(ref _account);

    /// <summary>The sweep: one more heartbeat is due to every session.</summary>
    public void Beat(long tsNs)
    {
        Volatile.Write(ref _heartbeatTsNs, tsNs);
        Interlocked.Increment(ref _heartbeats); // full fence: the ts is visible with the count
    }

    /// <summary>The sweep: a new account state (only when it changed).</summary>
    public bool Publish(AccountState account)
    {
        AccountState? current = Account;
        if (current is not null && current.CashRaw == account.CashRaw && current.EquityRaw == account.EquityRaw && current.BuyingPowerRaw == account.BuyingPowerRaw)
        {
            return false;
        }

        Volatile.Write(ref _account, account);
        return true;
    }
}
