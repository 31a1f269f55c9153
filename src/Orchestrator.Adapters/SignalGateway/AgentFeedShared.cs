using System.Text.Json;
using Orchestrator.Core;

namespace Orchestrator.Adapters.SignalGateway;

/// <summary>
/// What every agent session's writer reads in common: the symbols' names as JSON string content and their quantity decimals,
/// the heartbeat count (the gateway's sweep bumps it every heartbeat interval) and the latest
/// account state (replaced at most once per second, on change).
/// </summary>
internal sealed class AgentFeedShared
{
    private long _heartbeats;
    private long _heartbeatTsNs;
    private AccountState? _account;

    public AgentFeedShared(IReadOnlyList<string> symbols, QuantityUnits? units = null)
    {
        SymbolNames = [.. symbols.Select(s => JsonEncodedText.Encode(s).EncodedUtf8Bytes.ToArray())];
        QuantityDecimals = new int[symbols.Count];
        for (int s = 0; units is not null && s < QuantityDecimals.Length; s++)
        {
            QuantityDecimals[s] = units.Decimals(s);
        }
    }

    public byte[][] SymbolNames { get; }

    /// <summary>Each symbol's quantity decimals (issue 19): the writers put quantities in shares.</summary>
    public int[] QuantityDecimals { get; }

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
