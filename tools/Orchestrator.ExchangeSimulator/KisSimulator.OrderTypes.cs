namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// The domestic order kinds (ORD_DVSN) the simulator takes (issue 19): 00 limit and 01 market (day), 11 IOC
/// limit, 12 FOK limit, 13 IOC market, 14 FOK market. An IOC order fills what it can at once and the rest
/// is canceled; a FOK order fills whole at once or is canceled unfilled. Other codes are refused with
/// APBK1680, as before.
/// </summary>
public sealed partial class KisSimulator
{
    /// <summary>How long an order may wait for a fill.</summary>
    private enum Immediacy : byte
    {
        /// <summary>A day order: rests until filled or canceled.</summary>
        None = 0,

        /// <summary>Immediate or cancel.</summary>
        Ioc,

        /// <summary>Fill or kill.</summary>
        Fok,
    }

    /// <summary>ORD_DVSN → (market, immediacy); null for a code the simulator does not take.</summary>
    private static (bool Market, Immediacy Immediacy)? CashOrderKind(string kind) => kind switch
    {
        "00" => (false, Immediacy.None),
        "01" => (true, Immediacy.None),
        "11" => (false, Immediacy.Ioc),
        "12" => (false, Immediacy.Fok),
        "13" => (true, Immediacy.Ioc),
        "14" => (true, Immediacy.Fok),
        _ => null,
    };

    /// <summary>
    /// An IOC or FOK order at once (never after <see cref="OrderFillDelay"/>): FOK fills whole or not at
    /// all; what is left of either is canceled (a cancel notice, as KIS sends). Caller holds the lock.
    /// </summary>
    private void MatchImmediately(SimOrder order, Immediacy immediacy)
    {
        if (immediacy == Immediacy.Ioc || CanFillWhole(order))
        {
            Match(order);
        }

        if (order.Remaining > 0)
        {
            CancelLocked(order);
        }
    }

    /// <summary>Whether one match would fill all of <paramref name="order"/>. Caller holds the lock.</summary>
    private bool CanFillWhole(SimOrder order)
    {
        decimal price = PriceFor(order.Symbol, order.Overseas);
        bool crosses = order.Market || (order.Buy ? price <= order.Limit : price >= order.Limit);
        bool whole = order.Market || MaxFillPerMatch <= 0 || MaxFillPerMatch >= order.Remaining;
        bool held = order.Buy || order.Account.Wallet(order.Overseas).Held(order.Symbol) >= order.Remaining;
        return crosses && whole && held;
    }
}
