using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Orchestrator.ExchangeSimulator;

/// <summary>
/// The simulator's book: a synthetic KRW price per domestic symbol (the one its H0STCNT0 frames
/// carry) and a synthetic USD price per US symbol (its HDFSCNT0 frames), accounts with a KRW and a
/// USD wallet (cash and positions each), and the day's orders with cumulative fills.
/// </summary>
/// <remarks>
/// <para>Matching: a market order (ORD_DVSN "01", domestic only; IOC/FOK kinds in KisSimulator.OrderTypes.cs) fills at once, whole, at the current
/// price. A limit order ("00") fills while the price crosses it — buy when price &lt;= limit, sell when
/// price &gt;= limit — at the current price, so at the limit or better; at most
/// <see cref="MaxFillPerMatch"/> shares per price move (0 = all), which makes partial fills and
/// averages over several prices. US orders trade against the USD wallet at the USD price, in cents.</para>
/// <para>Refusals, in either currency: a buy whose cost (quantity × limit, or × price for market)
/// exceeds the wallet's cash not already reserved by open buys → APBK0952 (주문가능금액을 초과 했습니다,
/// KIS's domestic code; KIS's code for a US order beyond the dollars held is not in our references, so
/// the simulator answers US orders with the same one); a sell of more than the shares held and not
/// already offered → APBK0986 (주문가능수량을 초과 했습니다: the simulator's choice of code, in KIS's APBK
/// family; KIS's exact code for this case is not in our references).</para>
/// <para>One lock guards it all: REST handlers, the WebSocket price walk and tests call in from
/// different threads; nothing here is on a fast path.</para>
/// </remarks>
public sealed partial class KisSimulator
{
    private readonly Lock _book = new();
    private readonly Dictionary<string, long> _prices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _usdPrices = new(StringComparer.Ordinal);
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

    /// <summary>US dollars each account starts with.</summary>
    public decimal StartingCashUsd { get; set; } = 100_000m;

    /// <summary>
    /// KRW per USD the overseas present balance reports as its first bulletin rate (<c>frst_bltn_exrt</c>).
    /// The simulator never converts with it: each currency's cash and holdings stay in that currency.
    /// </summary>
    public decimal UsdKrwRate { get; set; } = 1_380.50m;

    /// <summary>The price a US symbol starts at when first traded or streamed, USD.</summary>
    public decimal InitialPriceUsd { get; set; } = 100.00m;

    /// <summary>Shares a limit order fills at most per price move (0 = all it can).</summary>
    public int MaxFillPerMatch { get; set; }

    /// <summary>Orders accepted so far, as received (all accounts).</summary>
    public IReadOnlyCollection<JsonObject> Orders => _orders;

    /// <summary>Orders canceled so far.</summary>
    public int Cancels => Volatile.Read(ref _cancels);

    /// <summary>Domestic orders booked for one account (CANO + ACNT_PRDT_CD), revisions included.</summary>
    public int OrdersBooked(string accountNumber, string productCode = "01") => CountOrders(accountNumber, productCode, overseas: false);

    /// <summary>US orders booked for one account (the rows cancels add to the list not counted).</summary>
    public int OverseasOrdersBooked(string accountNumber, string productCode = "01") => CountOrders(accountNumber, productCode, overseas: true);

    /// <summary>
    /// An account's domestic orders as the venue's books hold them, in order-number order (revisions
    /// included): what a test compares a client's own records with.
    /// </summary>
    public IReadOnlyList<BookedOrder> BookedOrders(string accountNumber, string productCode = "01")
    {
        lock (_book)
        {
            return _accounts.TryGetValue(AccountKey(accountNumber, productCode), out SimAccount? account)
                ? [.. account.Orders.Where(o => !o.Overseas).Select(o => new BookedOrder(o.Odno, o.Symbol, o.Buy, o.Quantity, o.Filled, o.FilledAmount, o.Canceled))]
                : [];
        }
    }

    /// <summary>An account's cash (KRW) and domestic shares held per symbol, as the venue's books say.</summary>
    public (long CashKrw, IReadOnlyDictionary<string, long> Positions) AccountBook(string accountNumber, string productCode = "01")
    {
        (decimal cash, IReadOnlyDictionary<string, long> positions) = WalletBook(accountNumber, productCode, overseas: false);
        return ((long)cash, positions);
    }

    /// <summary>
    /// An account's KRW deposit as it stands today (<c>dnca_tot_amt</c>): trades settle D+2, so it
    /// lags <see cref="AccountBook"/>'s cash (the D+2 figure) until <see cref="SettleTrades"/>.
    /// </summary>
    public long DepositKrw(string accountNumber, string productCode = "01")
    {
        lock (_book)
        {
            return (long)Account(accountNumber, productCode).Krw.Deposit;
        }
    }

    /// <summary>Settles every trade so far (two business days pass): the deposit becomes the D+2 figure.</summary>
    public void SettleTrades(string accountNumber, string productCode = "01")
    {
        lock (_book)
        {
            Account(accountNumber, productCode).Krw.Settle();
        }
    }

    /// <summary>
    /// Shares arrive in (or, negative, leave) an account outside any order — a transfer from another
    /// broker, a corporate action: the account's position drifts from what its orders explain.
    /// </summary>
    public void TransferShares(string accountNumber, string symbol, long quantity, string productCode = "01")
    {
        lock (_book)
        {
            Dictionary<string, (long Quantity, decimal Cost)> positions = Account(accountNumber, productCode).Krw.Positions;
            (long held, decimal cost) = positions.GetValueOrDefault(symbol);
            positions[symbol] = (held + quantity, cost);
        }
    }

    /// <summary>
    /// Money arrives in (or, negative, leaves) one of an account's currencies outside any order — a fee, a
    /// tax, interest, a deposit: the account's cash drifts from what its fills explain. <paramref name="currency"/>
    /// is KRW (the domestic deposit) or USD (the overseas deposit).
    /// </summary>
    public void TransferCash(string accountNumber, string currency, decimal amount, string productCode = "01")
    {
        bool overseas = currency switch
        {
            "KRW" => false,
            "USD" => true,
            _ => throw new ArgumentException($"currency '{currency}' is not KRW or USD", nameof(currency)),
        };
        lock (_book)
        {
            Account(accountNumber, productCode).Wallet(overseas).Transfer(amount);
        }
    }

    /// <summary>An account's US dollars and US shares held per symbol, as the venue's books say.</summary>
    public (decimal CashUsd, IReadOnlyDictionary<string, long> Positions) OverseasBook(string accountNumber, string productCode = "01") =>
        WalletBook(accountNumber, productCode, overseas: true);

    private int CountOrders(string accountNumber, string productCode, bool overseas)
    {
        lock (_book)
        {
            return _accounts.TryGetValue(AccountKey(accountNumber, productCode), out SimAccount? account)
                ? account.Orders.Count(o => o.Overseas == overseas && !o.CancelRow)
                : 0;
        }
    }

    private (decimal Cash, IReadOnlyDictionary<string, long> Positions) WalletBook(string accountNumber, string productCode, bool overseas)
    {
        lock (_book)
        {
            SimWallet wallet = Account(accountNumber, productCode).Wallet(overseas);
            return (wallet.Cash, wallet.Positions.ToDictionary(p => p.Key, p => p.Value.Quantity, StringComparer.Ordinal));
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
            MatchSymbol(symbol, overseas: false);
        }
    }

    /// <summary>Moves the US symbol <paramref name="symbol"/> to <paramref name="priceUsd"/> and fills what now crosses.</summary>
    public void SetOverseasPrice(string symbol, decimal priceUsd)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(priceUsd);
        lock (_book)
        {
            _usdPrices[symbol] = priceUsd;
            MatchSymbol(symbol, overseas: true);
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
            MatchSymbol(symbol, overseas: false);
            return price;
        }
    }

    /// <summary>One random-walk step of up to three cents for a US symbol (the streamed price), then matching.</summary>
    private decimal StepOverseasPrice(string symbol)
    {
        lock (_book)
        {
            decimal price = Math.Max(1.00m, CurrentUsdPrice(symbol) + (_walk.Next(-3, 4) * 0.01m));
            _usdPrices[symbol] = price;
            MatchSymbol(symbol, overseas: true);
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

    /// <summary>Caller holds the lock.</summary>
    private decimal CurrentUsdPrice(string symbol)
    {
        if (!_usdPrices.TryGetValue(symbol, out decimal price))
        {
            price = InitialPriceUsd;
            _usdPrices[symbol] = price;
        }

        return price;
    }

    /// <summary>The current price in the order's currency. Caller holds the lock.</summary>
    private decimal PriceFor(string symbol, bool overseas) => overseas ? CurrentUsdPrice(symbol) : CurrentPrice(symbol);

    private static string AccountKey(string accountNumber, string productCode) => accountNumber + "-" + productCode;

    /// <summary>Caller holds the lock.</summary>
    private SimAccount Account(string accountNumber, string productCode)
    {
        string key = AccountKey(accountNumber, productCode);
        if (!_accounts.TryGetValue(key, out SimAccount? account))
        {
            account = new SimAccount(accountNumber + productCode, StartingCashKrw, StartingCashUsd);
            _accounts[key] = account;
        }

        return account;
    }

    /// <summary>
    /// Books a new order after the cash or holdings check of its wallet (USD when
    /// <paramref name="exchange"/> is given, KRW otherwise); null with a refusal otherwise. Caller holds the lock.
    /// </summary>
    private SimOrder? TryBook(SimAccount account, string symbol, string? exchange, bool buy, bool market, long quantity, decimal limit, SimOrder? replacing, out (string Code, string Message) refusal)
    {
        refusal = default;
        bool overseas = exchange is not null;
        SimWallet wallet = account.Wallet(overseas);
        if (buy)
        {
            decimal cost = quantity * (market ? PriceFor(symbol, overseas) : limit);
            if (cost > wallet.Cash - account.ReservedCash(overseas, except: replacing))
            {
                refusal = ("APBK0952", "주문가능금액을 초과 했습니다");
                return null;
            }
        }
        else if (quantity > wallet.Held(symbol) - account.Offered(symbol, overseas, except: replacing))
        {
            refusal = ("APBK0986", "주문가능수량을 초과 했습니다");
            return null;
        }

        var order = new SimOrder(NextOrderNumber(), replacing?.Odno ?? string.Empty, account, symbol, exchange, buy, market, quantity, limit, SeoulNow.ToString("HHmmss", CultureInfo.InvariantCulture));
        account.Orders.Add(order);
        _ordersByNumber[order.Odno] = order;
        return order;
    }

    /// <summary>The next order number, ten digits. Caller holds the lock.</summary>
    private string NextOrderNumber() => (++_orderNumber).ToString("0000000000", CultureInfo.InvariantCulture);

    /// <summary>
    /// Cancels the open remainder of <paramref name="order"/>; returns the cancel's own order number. A US
    /// cancel is listed as a row of its own (orgn_odno = the order, rvse_cncl_dvsn 02) as KIS's inquire-ccnl
    /// lists it; a domestic one only marks the order (cncl_yn Y). Caller holds the lock.
    /// </summary>
    private string CancelLocked(SimOrder order)
    {
        long remaining = order.Remaining;
        order.Canceled = true;
        Interlocked.Increment(ref _cancels);
        PublishNotice(order, NoticeKind.Canceled, 0, 0);
        string odno = NextOrderNumber();
        if (order.Overseas)
        {
            order.Account.Orders.Add(new SimOrder(odno, order.Odno, order.Account, order.Symbol, order.Exchange, order.Buy, market: false, remaining, 0m, SeoulNow.ToString("HHmmss", CultureInfo.InvariantCulture))
            {
                CancelRow = true,
                Canceled = true,
            });
        }

        return odno;
    }

    /// <summary>Fills <paramref name="order"/> as far as the current price allows. Caller holds the lock.</summary>
    private void Match(SimOrder order)
    {
        long remaining = order.Remaining;
        if (remaining <= 0)
        {
            return;
        }

        decimal price = PriceFor(order.Symbol, order.Overseas);
        bool crosses = order.Market || (order.Buy ? price <= order.Limit : price >= order.Limit);
        if (!crosses)
        {
            return;
        }

        long quantity = order.Market || MaxFillPerMatch <= 0 ? remaining : Math.Min(MaxFillPerMatch, remaining);
        SimWallet wallet = order.Account.Wallet(order.Overseas);
        if (!order.Buy)
        {
            quantity = Math.Min(quantity, wallet.Held(order.Symbol));
            if (quantity <= 0)
            {
                return;
            }
        }

        wallet.Apply(order.Symbol, order.Buy, quantity, price);
        order.Filled += quantity;
        order.FilledAmount += quantity * price;
        PublishNotice(order, NoticeKind.Fill, quantity, price);
    }

    /// <summary>Caller holds the lock.</summary>
    private void MatchSymbol(string symbol, bool overseas)
    {
        foreach (SimAccount account in _accounts.Values)
        {
            foreach (SimOrder order in account.Orders)
            {
                if (order.Symbol == symbol && order.Overseas == overseas && order.Remaining > 0)
                {
                    Match(order);
                }
            }
        }
    }

    /// <summary>Cash and positions in one currency.</summary>
    private sealed class SimWallet(decimal cash)
    {
        /// <summary>Cash once every trade has settled (KIS: prvs_rcdl_excc_amt, the D+2 figure): what buying power and the engine count.</summary>
        public decimal Cash { get; private set; } = cash;

        /// <summary>
        /// The deposit as it stands today (KIS: dnca_tot_amt): trades settle D+2, so today's buys and
        /// sells are not in it until <see cref="Settle"/> (the simulator's "two days later").
        /// </summary>
        public decimal Deposit { get; private set; } = cash;

        /// <summary>Every trade so far has settled: the deposit catches up with <see cref="Cash"/>.</summary>
        public void Settle() => Deposit = Cash;

        /// <summary>Money in (or, negative, out) outside any trade: both figures move at once.</summary>
        public void Transfer(decimal amount)
        {
            Cash += amount;
            Deposit += amount;
        }

        /// <summary>Per symbol: shares held and their total cost (exact).</summary>
        public Dictionary<string, (long Quantity, decimal Cost)> Positions { get; } = new(StringComparer.Ordinal);

        public long Held(string symbol) => Positions.TryGetValue(symbol, out (long Quantity, decimal Cost) p) ? p.Quantity : 0;

        public void Apply(string symbol, bool buy, long quantity, decimal price)
        {
            (long held, decimal cost) = Positions.GetValueOrDefault(symbol);
            if (buy)
            {
                Cash -= quantity * price;
                Positions[symbol] = (held + quantity, cost + (quantity * price));
            }
            else
            {
                Cash += quantity * price;
                Positions[symbol] = (held - quantity, held == quantity ? 0 : cost * (held - quantity) / held);
            }
        }
    }

    private sealed class SimAccount(string number, decimal cashKrw, decimal cashUsd)
    {
        /// <summary>The 10-digit account number (CANO + product) notices carry.</summary>
        public string Number { get; } = number;

        public SimWallet Krw { get; } = new(cashKrw);

        public SimWallet Usd { get; } = new(cashUsd);

        /// <summary>Domestic and US orders, in order-number order.</summary>
        public List<SimOrder> Orders { get; } = [];

        public SimWallet Wallet(bool overseas) => overseas ? Usd : Krw;

        public decimal ReservedCash(bool overseas, SimOrder? except) =>
            Orders.Where(o => o.Overseas == overseas && o.Buy && !o.Market && o != except).Sum(o => o.Remaining * o.Limit);

        public long Offered(string symbol, bool overseas, SimOrder? except) =>
            Orders.Where(o => o.Overseas == overseas && !o.Buy && o.Symbol == symbol && o != except).Sum(o => o.Remaining);
    }

    private sealed class SimOrder(string odno, string originalOdno, SimAccount account, string symbol, string? exchange, bool buy, bool market, long quantity, decimal limit, string time)
    {
        public string Odno { get; } = odno;

        /// <summary>For a revision or a US cancel row, the order it refers to (orgn_odno); empty otherwise.</summary>
        public string OriginalOdno { get; } = originalOdno;

        public SimAccount Account { get; } = account;

        public string Symbol { get; } = symbol;

        /// <summary>NASD, NYSE or AMEX for a US order; null for a domestic one.</summary>
        public string? Exchange { get; } = exchange;

        public bool Overseas => Exchange is not null;

        public bool Buy { get; } = buy;

        public bool Market { get; } = market;

        public long Quantity { get; } = quantity;

        /// <summary>The limit in the order's currency (whole won, or USD in cents); 0 for market.</summary>
        public decimal Limit { get; } = limit;

        /// <summary>ord_tmd, HHMMSS Seoul time.</summary>
        public string Time { get; } = time;

        /// <summary>A US cancel's own row on the list (quantity = what it canceled), not an order.</summary>
        public bool CancelRow { get; init; }

        public long Filled { get; set; }

        public decimal FilledAmount { get; set; }

        public bool Canceled { get; set; }

        /// <summary>The remainder moved to a revision (a new order number).</summary>
        public bool Revised { get; set; }

        public long Remaining => Canceled || Revised ? 0 : Quantity - Filled;
    }
}
