using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// The simulator's book: a synthetic KRW price per symbol (the one its H0STCNT0 frames carry),
/// accounts with cash and positions, and the day's orders with cumulative fills.
/// </summary>
/// <remarks>
/// <para>Matching: a market order (ORD_DVSN "01") fills at once, whole, at the current price. A
/// limit order ("00") fills while the price crosses it — buy when price &lt;= limit, sell when price
/// &gt;= limit — at the current price, so at the limit or better; at most
/// <see cref="MaxFillPerMatch"/> shares per price move (0 = all), which makes partial fills and
/// averages over several prices.</para>
/// <para>Refusals: a buy whose cost (quantity × limit, or × price for market) exceeds cash not already
/// reserved by open buys → APBK0952 (주문가능금액을 초과 했습니다, KIS's code); a sell of more than the
/// shares held and not already offered → APBK0986 (주문가능수량을 초과 했습니다: the simulator's choice of
/// code, in KIS's APBK family; KIS's exact code for this case is not in our references).</para>
/// <para>One lock guards it all: REST handlers, the WebSocket price walk and tests call in from
/// different threads; nothing here is on a fast path.</para>
/// </remarks>
public sealed partial class KisSimulator
{
    private readonly Lock _book = new();
    private readonly Dictionary<string, long> _prices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimAccount> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimOrder> _ordersByNumber = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonObject> _orders = new();
    private readonly Random _walk = new(7);
    private long _orderNumber = 1000;
    private int _cancels;

    /// <summary>Cash each account starts with, KRW.</summary>
    public long StartingCashKrw { get; set; } = 100_000_000;

    /// <summary>The price a symbol starts at when first traded or streamed, KRW.</summary>
    public long InitialPriceKrw { get; set; } = 70_000;

    /// <summary>Shares a limit order fills at most per price move (0 = all it can).</summary>
    public int MaxFillPerMatch { get; set; }

    /// <summary>Orders accepted so far, as received (all accounts).</summary>
    public IReadOnlyCollection<JsonObject> Orders => _orders;

    /// <summary>Orders canceled so far.</summary>
    public int Cancels => Volatile.Read(ref _cancels);

    /// <summary>Orders booked for one account (CANO + ACNT_PRDT_CD), revisions included.</summary>
    public int OrdersBooked(string accountNumber, string productCode = "01")
    {
        lock (_book)
        {
            return _accounts.TryGetValue(AccountKey(accountNumber, productCode), out SimAccount? account) ? account.Orders.Count : 0;
        }
    }

    /// <summary>An account's cash (KRW) and shares held per symbol, as the venue's books say.</summary>
    public (long CashKrw, IReadOnlyDictionary<string, long> Positions) AccountBook(string accountNumber, string productCode = "01")
    {
        lock (_book)
        {
            SimAccount account = Account(accountNumber, productCode);
            return (account.Cash, account.Positions.ToDictionary(p => p.Key, p => p.Value.Quantity, StringComparer.Ordinal));
        }
    }

    /// <summary>Whether the venue still holds <paramref name="orderNumber"/> open (some quantity working).</summary>
    public bool IsOpen(string orderNumber)
    {
        lock (_book)
        {
            return _ordersByNumber.TryGetValue(orderNumber, out SimOrder? order) && order.Remaining > 0;
        }
    }

    /// <summary>The current synthetic price of <paramref name="symbol"/>, KRW.</summary>
    public long PriceOf(string symbol)
    {
        lock (_book)
        {
            return CurrentPrice(symbol);
        }
    }

    /// <summary>Moves <paramref name="symbol"/> to <paramref name="priceKrw"/> and fills what now crosses.</summary>
    public void SetPrice(string symbol, long priceKrw)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(priceKrw);
        lock (_book)
        {
            _prices[symbol] = priceKrw;
            MatchSymbol(symbol);
        }
    }

    /// <summary>KRX's price tick for a price level (the 2023 table, KOSPI and KOSDAQ alike).</summary>
    public static long TickSize(long priceKrw) => priceKrw switch
    {
        < 2_000 => 1,
        < 5_000 => 5,
        < 20_000 => 10,
        < 50_000 => 50,
        < 200_000 => 100,
        < 500_000 => 500,
        _ => 1_000,
    };

    /// <summary>One random-walk step of up to two ticks (the streamed price), then matching.</summary>
    private long StepPrice(string symbol)
    {
        lock (_book)
        {
            long price = CurrentPrice(symbol);
            price = Math.Max(1_000, price + (_walk.Next(-2, 3) * TickSize(price)));
            _prices[symbol] = price;
            MatchSymbol(symbol);
            return price;
        }
    }

    /// <summary>Caller holds the lock.</summary>
    private long CurrentPrice(string symbol)
    {
        if (!_prices.TryGetValue(symbol, out long price))
        {
            price = InitialPriceKrw;
            _prices[symbol] = price;
        }

        return price;
    }

    private static string AccountKey(string accountNumber, string productCode) => accountNumber + "-" + productCode;

    /// <summary>Caller holds the lock.</summary>
    private SimAccount Account(string accountNumber, string productCode)
    {
        string key = AccountKey(accountNumber, productCode);
        if (!_accounts.TryGetValue(key, out SimAccount? account))
        {
            account = new SimAccount(accountNumber + productCode, StartingCashKrw);
            _accounts[key] = account;
        }

        return account;
    }

    /// <summary>Books a new order after the cash or holdings check; null with a refusal otherwise. Caller holds the lock.</summary>
    private SimOrder? TryBook(SimAccount account, string symbol, bool buy, bool market, long quantity, long limitKrw, SimOrder? replacing, out (string Code, string Message) refusal)
    {
        refusal = default;
        long price = CurrentPrice(symbol);
        if (buy)
        {
            long cost = quantity * (market ? price : limitKrw);
            if (cost > account.Cash - account.ReservedCash(except: replacing))
            {
                refusal = ("APBK0952", "주문가능금액을 초과 했습니다");
                return null;
            }
        }
        else if (quantity > account.Held(symbol) - account.Offered(symbol, except: replacing))
        {
            refusal = ("APBK0986", "주문가능수량을 초과 했습니다");
            return null;
        }

        string odno = (++_orderNumber).ToString("0000000000", System.Globalization.CultureInfo.InvariantCulture);
        var order = new SimOrder(odno, replacing?.Odno ?? string.Empty, account, symbol, buy, market, quantity, limitKrw, SeoulNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        account.Orders.Add(order);
        _ordersByNumber[odno] = order;
        return order;
    }

    /// <summary>Fills <paramref name="order"/> as far as the current price allows. Caller holds the lock.</summary>
    private void Match(SimOrder order)
    {
        long remaining = order.Remaining;
        if (remaining <= 0)
        {
            return;
        }

        long price = CurrentPrice(order.Symbol);
        bool crosses = order.Market || (order.Buy ? price <= order.LimitKrw : price >= order.LimitKrw);
        if (!crosses)
        {
            return;
        }

        long quantity = order.Market || MaxFillPerMatch <= 0 ? remaining : Math.Min(MaxFillPerMatch, remaining);
        if (!order.Buy)
        {
            quantity = Math.Min(quantity, order.Account.Held(order.Symbol));
            if (quantity <= 0)
            {
                return;
            }
        }

        order.Account.Apply(order.Symbol, order.Buy, quantity, price);
        order.Filled += quantity;
        order.FilledAmount += quantity * price;
        PublishNotice(order, NoticeKind.Fill, quantity, price);
    }

    /// <summary>Caller holds the lock.</summary>
    private void MatchSymbol(string symbol)
    {
        foreach (SimAccount account in _accounts.Values)
        {
            foreach (SimOrder order in account.Orders)
            {
                if (order.Symbol == symbol && order.Remaining > 0)
                {
                    Match(order);
                }
            }
        }
    }

    private sealed class SimAccount(string number, long cash)
    {
        /// <summary>The 10-digit account number (CANO + product) notices carry.</summary>
        public string Number { get; } = number;

        public long Cash { get; private set; } = cash;

        /// <summary>Per symbol: shares held and their total cost (KRW, exact).</summary>
        public Dictionary<string, (long Quantity, decimal Cost)> Positions { get; } = new(StringComparer.Ordinal);

        public List<SimOrder> Orders { get; } = [];

        public long Held(string symbol) => Positions.TryGetValue(symbol, out (long Quantity, decimal Cost) p) ? p.Quantity : 0;

        public long ReservedCash(SimOrder? except) =>
            Orders.Where(o => o.Buy && !o.Market && o != except).Sum(o => o.Remaining * o.LimitKrw);

        public long Offered(string symbol, SimOrder? except) =>
            Orders.Where(o => !o.Buy && o.Symbol == symbol && o != except).Sum(o => o.Remaining);

        public void Apply(string symbol, bool buy, long quantity, long price)
        {
            (long held, decimal cost) = Positions.GetValueOrDefault(symbol);
            if (buy)
            {
                Cash -= quantity * price;
                Positions[symbol] = (held + quantity, cost + (quantity * (decimal)price));
            }
            else
            {
                Cash += quantity * price;
                Positions[symbol] = (held - quantity, held == quantity ? 0 : cost * (held - quantity) / held);
            }
        }
    }

    private sealed class SimOrder(string odno, string originalOdno, SimAccount account, string symbol, bool buy, bool market, long quantity, long limitKrw, string time)
    {
        public string Odno { get; } = odno;

        /// <summary>For a revision, the order it replaced (orgn_odno); empty otherwise.</summary>
        public string OriginalOdno { get; } = originalOdno;

        public SimAccount Account { get; } = account;

        public string Symbol { get; } = symbol;

        public bool Buy { get; } = buy;

        public bool Market { get; } = market;

        public long Quantity { get; } = quantity;

        public long LimitKrw { get; } = limitKrw;

        /// <summary>ord_tmd, HHMMSS Seoul time.</summary>
        public string Time { get; } = time;

        public long Filled { get; set; }

        public long FilledAmount { get; set; }

        public bool Canceled { get; set; }

        /// <summary>The remainder moved to a revision (a new order number).</summary>
        public bool Revised { get; set; }

        public long Remaining => Canceled || Revised ? 0 : Quantity - Filled;
    }
}
