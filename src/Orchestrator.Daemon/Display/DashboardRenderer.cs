using System.Globalization;
using Orchestrator.Agents.Health;
using Orchestrator.Engine.State;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orchestrator.Daemon.Display;

/// <summary>
/// The dashboard as a pure function of a <see cref="DashboardView"/>: the same view gives the
/// same renderable, so a test renders a known view at a fixed width and compares the text.
/// Every piece of text from outside goes through <see cref="Markup.Escape"/>.
/// </summary>
public static class DashboardRenderer
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    /// <summary>Most signals and orders listed in the full view.</summary>
    public const int MaxRows = 8;

    /// <summary>Full mode needs this many columns side by side; a narrower console stacks the tables.</summary>
    public const int TwoColumnWidth = 140;

    /// <summary>
    /// The view for a console <paramref name="width"/> columns wide and <paramref name="height"/>
    /// rows high. Full mode stacks its tables below <see cref="TwoColumnWidth"/>; when they do not
    /// all fit the height, the less important ones lose rows, then go (account and positions stay,
    /// then performance, system status, open orders, signals); when not even the account and one
    /// position row fit, the compact view is shown instead. Nothing is pushed off the top.
    /// </summary>
    public static IRenderable Render(DashboardView view, int width = int.MaxValue, int height = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.Mode == "compact" ? Compact(view) : Full(view, width, height) ?? (IRenderable)Compact(view);
    }

    /// <summary>Rows a titled table takes besides its body rows: title, top border, header, separator, bottom border.</summary>
    private const int TableChromeRows = 5;

    /// <summary>A table of the full view: its importance (0 = most), body rows wanted, and how to draw it in fewer.</summary>
    private sealed record Section(int Priority, int WantRows, Func<int, Table> Build);

    /// <summary>Two columns: the account, positions and open orders; the signals, system status and performance (one column when narrow). Null = does not fit.</summary>
    private static Rows? Full(DashboardView view, int width, int height)
    {
        int budget = height == int.MaxValue ? int.MaxValue : height - 1; // the header line
        Section account = new(0, 1, _ => Account(view));
        Section positions = new(1, Math.Max(1, view.Positions.Count), rows => Positions(view, rows));
        Section performance = new(2, 1, _ => Performance(view));
        Section status = new(3, Math.Max(1, view.Components.Count), rows => Status(view, rows));
        Section orders = new(4, Math.Clamp(view.OpenOrders.Count, 1, MaxRows), rows => OpenOrders(view, rows));
        Section signals = new(5, Math.Clamp(view.Signals.Count, 1, MaxRows), rows => Signals(view, rows));
        Section agents = new(6, Math.Clamp(view.Agents.Count, 1, MaxRows), rows => Agents(view, rows));
        Section external = new(7, Math.Clamp(view.ExternalAgents.Count, 1, MaxRows), rows => External(view, rows));
        if (width < TwoColumnWidth)
        {
            Table[]? stacked = Fit([account, positions, orders, signals, .. Optional(view, agents, external), status, performance], budget);
            return stacked is null ? null : new Rows([new Markup(Header(view)), .. stacked]);
        }

        Table[]? left = Fit([account, positions, orders], budget);
        if (left is null)
        {
            return null;
        }

        var grid = new Grid { Expand = true };
        grid.AddColumn(new GridColumn());
        grid.AddColumn(new GridColumn());
        grid.AddRow(new Rows(left), new Rows(Fit([signals, .. Optional(view, agents, external), status, performance], budget, required: 0) ?? []));
        return new Rows(new Markup(Header(view)), grid);
    }

    /// <summary>The agents' sections, each shown only when it has rows (a source has signalled; an external agent said hello).</summary>
    private static Section[] Optional(DashboardView view, Section agents, Section external) =>
        [.. view.Agents.Count > 0 ? [agents] : Array.Empty<Section>(), .. view.ExternalAgents.Count > 0 ? [external] : Array.Empty<Section>()];

    /// <summary>
    /// The sections (in display order) that fit <paramref name="budget"/> rows: each gets one body
    /// row by importance while there is room, then the rest grow by importance up to what they
    /// want. Null when the <paramref name="required"/> most important ones do not fit.
    /// </summary>
    private static Table[]? Fit(Section[] sections, int budget, int required = 2)
    {
        int[] rows = new int[sections.Length];
        int remaining = budget;
        int[] byPriority = [.. Enumerable.Range(0, sections.Length).OrderBy(i => sections[i].Priority)];
        foreach (int i in byPriority)
        {
            if (remaining >= TableChromeRows + 1)
            {
                rows[i] = 1;
                remaining -= TableChromeRows + 1;
            }
        }

        if (byPriority.Take(required).Any(i => rows[i] == 0))
        {
            return null;
        }

        foreach (int i in byPriority.Where(i => rows[i] > 0))
        {
            int grow = Math.Min(sections[i].WantRows - rows[i], remaining);
            rows[i] += grow;
            remaining -= grow;
        }

        return [.. sections.Select((section, i) => rows[i] > 0 ? section.Build(rows[i]) : null).OfType<Table>()];
    }

    private static Panel Compact(DashboardView view)
    {
        AccountView a = view.Account;
        PerformanceView p = view.Performance;
        EngineView e = view.Engine;
        var lines = new List<string>
        {
            $"Equity [bold]{Money(a.Equity)}[/]  Cash {Money(a.Cash)}  Day P&L {Pnl(a.DayPnl)}  Total P&L {Pnl(a.TotalPnl)}",
            Invariant($"Positions {view.Positions.Count}  Open orders {view.OpenOrders.Count}  Last signal {LastSignal(view)}"),
            $"Return {Percent(p.CumulativeReturn)}  Sharpe {Ratio(p.Sharpe)}  Max DD {Percent(p.MaxDrawdown)}",
            EngineLine(e),
            string.Join("  ", view.Components.Select(c => $"{Escape(c.Name)} {StateMarkup(c.State)}")),
        };
        if (view.Agents.Count > 0)
        {
            lines.Insert(4, AgentsLine(view)); // after the engine line; absent until a source has signalled
        }

        if (view.ExternalAgents.Count > 0)
        {
            lines.Insert(lines.Count - 1, ExternalLine(view)); // before the components; absent until an external agent said hello
        }

        return new Panel(new Markup(string.Join('\n', lines))) { Header = new PanelHeader(Header(view)), Expand = true };
    }

    /// <summary>The two clocks, named: the wall clock of the frame and the market's (event time), which a replayed feed runs faster.</summary>
    private static string Header(DashboardView view) =>
        "[bold]Orchestrator[/] wall " + view.Now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", s_invariant) + " UTC"
        + "  market " + (view.MarketTimeNs > 0 ? DateTimeOffset.UnixEpoch.AddTicks(view.MarketTimeNs / 100).ToString("yyyy-MM-dd HH:mm:ss", s_invariant) + " UTC" : "-")
        + (view.KillSwitch ? "  [bold red]KILL SWITCH ENGAGED[/]" : string.Empty);

    private static Table Account(DashboardView view)
    {
        AccountView a = view.Account;
        Table table = NewTable("Account", "Cash", "Equity", "Day P&L", "Total P&L");
        table.AddRow(Money(a.Cash), Money(a.Equity), Pnl(a.DayPnl), Pnl(a.TotalPnl));
        return table;
    }

    /// <summary>At most <paramref name="rows"/> body rows; the last says how many more there are when not all fit.</summary>
    private static Table Positions(DashboardView view, int rows)
    {
        Table table = NewTable("Positions", "Symbol", "Qty", "Avg cost", "Last", "Unrealized P&L");
        int shown = view.Positions.Count <= rows ? view.Positions.Count : rows - 1;
        foreach (PositionView p in view.Positions.Take(shown))
        {
            table.AddRow(Escape(p.Symbol), Shares(p.Quantity), Money(p.AverageCost), Money(p.LastPrice), Pnl(p.UnrealizedPnl));
        }

        if (shown < view.Positions.Count)
        {
            table.AddRow(Invariant($"[dim]… {view.Positions.Count - shown} more[/]"), string.Empty, string.Empty, string.Empty, string.Empty);
        }

        if (view.Positions.Count == 0)
        {
            table.AddRow("[dim]none[/]", string.Empty, string.Empty, string.Empty, string.Empty);
        }

        return table;
    }

    private static Table OpenOrders(DashboardView view, int rows)
    {
        Table table = NewTable(Invariant($"Open orders ({view.OpenOrders.Count})"), "Id", "Symbol", "Side", "Qty", "Filled", "Limit", "Status");
        foreach (OrderView o in view.OpenOrders.Take(rows))
        {
            table.AddRow(o.ClientOrderId.ToString(s_invariant), Escape(o.Symbol), SideMarkup(o.Side), Shares(o.Quantity),
                Shares(o.FilledQuantity), o.LimitPrice is { } limit ? Money(limit) : "market", Escape(o.Status));
        }

        if (view.OpenOrders.Count == 0)
        {
            table.AddRow("[dim]none[/]", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        return table;
    }

    private static Table Signals(DashboardView view, int rows)
    {
        Table table = NewTable("Latest signals", "Time", "Symbol", "Side", "Source", "Conf.", "Fate");
        foreach (SignalView s in view.Signals.Take(rows))
        {
            table.AddRow(EventTime(s.TsEventNs), Escape(s.Symbol), SideMarkup(s.Side), Escape(s.Source), s.Confidence.ToString("0.00", s_invariant), FateMarkup(s));
        }

        if (view.Signals.Count == 0)
        {
            table.AddRow("[dim]none yet[/]", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        return table;
    }

    /// <summary>Per agent: kind, signals, orders, fills, rejects, its own realized and unrealized P&amp;L (shown once a source has signalled).</summary>
    private static Table Agents(DashboardView view, int rows)
    {
        Table table = NewTable("Agents", "Agent", "Kind", "Sig", "Ord", "Fills", "Rej", "Realized", "Unrealized");
        foreach (AgentFigures a in view.Agents.Take(rows))
        {
            table.AddRow(Escape(a.Name), Escape(a.Kind), a.Signals.ToString("N0", s_invariant), a.Orders.ToString("N0", s_invariant), a.Fills.ToString("N0", s_invariant),
                a.Rejects.Values.Sum().ToString("N0", s_invariant), Pnl(a.RealizedPnl), Pnl(a.UnrealizedPnl));
        }

        return table;
    }

    /// <summary>The compact view's agents: each one's name and P&amp;L (realized + unrealized), up to four.</summary>
    private static string AgentsLine(DashboardView view) => "Agents " + string.Join("  ", view.Agents.Take(4).Select(a => Escape(a.Name) + " " + Pnl(a.RealizedPnl + a.UnrealizedPnl)))
            + (view.Agents.Count > 4 ? Invariant($"  [dim]+{view.Agents.Count - 4} more[/]") : string.Empty);

    /// <summary>External agents: connected or not, the age of their last line, market data dropped for them.</summary>
    private static Table External(DashboardView view, int rows)
    {
        Table table = NewTable("External agents", "Agent", "Conn.", "Last line", "Dropped");
        foreach (ExternalAgentView a in view.ExternalAgents.Take(rows))
        {
            table.AddRow(Escape(a.Name), a.Connected ? "[green]yes[/]" : "[red]no[/]", Age(a.HeartbeatAge), a.Dropped.ToString("N0", s_invariant));
        }

        return table;
    }

    /// <summary>The compact view's external agents: name, up/down, last line age, dropped, up to four.</summary>
    private static string ExternalLine(DashboardView view) => "External " + string.Join("  ", view.ExternalAgents.Take(4).Select(a =>
            Escape(a.Name) + (a.Connected ? " [green]up[/] " : " [red]down[/] ") + Age(a.HeartbeatAge) + " drop " + a.Dropped.ToString("N0", s_invariant)))
            + (view.ExternalAgents.Count > 4 ? Invariant($"  [dim]+{view.ExternalAgents.Count - 4} more[/]") : string.Empty);

    private static string Age(TimeSpan? age) => age is { } a ? Math.Max(0, a.TotalSeconds).ToString("0", s_invariant) + "s ago" : "-";

    private static Table Status(DashboardView view, int rows)
    {
        Table table = NewTable("System status", "Component", "State", "Detail");
        int shown = view.Components.Count <= rows ? view.Components.Count : rows - 1;
        foreach (ComponentView c in view.Components.Take(shown))
        {
            table.AddRow(Escape(c.Name), StateMarkup(c.State), Escape(c.Detail));
        }

        if (shown < view.Components.Count)
        {
            table.AddRow(Invariant($"[dim]… {view.Components.Count - shown} more[/]"), string.Empty, string.Empty);
        }

        return table;
    }

    private static Table Performance(DashboardView view)
    {
        PerformanceView p = view.Performance;
        Table table = NewTable("Performance", "Return", "Sharpe", "Max DD", "Events/s", "p50", "p99", "Ring", "Rejects");
        table.AddRow(Percent(p.CumulativeReturn), Ratio(p.Sharpe), Percent(p.MaxDrawdown), view.Engine.EventsPerSecond.ToString("N0", s_invariant),
            Micros(view.Engine.LatencyP50Us), Micros(view.Engine.LatencyP99Us), view.Engine.RingOccupancy.ToString("0%", s_invariant), view.Engine.Rejects.ToString("N0", s_invariant));
        return table;
    }

    private static string EngineLine(EngineView e) =>
        Invariant($"Engine {e.EventsPerSecond:N0} ev/s  p50 {Micros(e.LatencyP50Us)}  p99 {Micros(e.LatencyP99Us)}  ring {e.RingOccupancy:0%}  rejects {e.Rejects:N0}");

    private static Table NewTable(string title, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(Escape(title)), Border = TableBorder.Rounded, Expand = true };
        foreach (string column in columns)
        {
            table.AddColumn(new TableColumn(Escape(column)));
        }

        return table;
    }

    private static string LastSignal(DashboardView view) => view.Signals.Count == 0
        ? "[dim]none yet[/]"
        : $"{Escape(view.Signals[0].Symbol)} {SideMarkup(view.Signals[0].Side)} {FateMarkup(view.Signals[0])}";

    private static string FateMarkup(SignalView s) => s.Fate switch
    {
        SignalFate.Executed => "[green]executed[/]" + Suffix(s.Detail),
        SignalFate.Filled => "[green]filled[/]" + Suffix(s.Detail),
        SignalFate.Rejected => "[red]rejected[/]" + Suffix(s.Detail),
        SignalFate.Held => "[yellow]held[/]",
        SignalFate.Contributed => "[green]contributed[/]" + Suffix(s.Detail),
        SignalFate.Outvoted => "[yellow]outvoted[/]" + Suffix(s.Detail),
        SignalFate.Vetoed => "[red]vetoed[/]" + Suffix(s.Detail),
        SignalFate.Expired => "[dim]expired[/]",
        _ => "[dim]pending[/]",
    };

    private static string Suffix(string detail) => detail.Length == 0 ? string.Empty : " " + Escape(detail);

    /// <summary>A colour per health state; the word is always there (no colour in a log or a dumb terminal).</summary>
    public static string StateMarkup(HealthState state) => state switch
    {
        HealthState.Healthy => "[green]healthy[/]",
        HealthState.Degraded => "[yellow]degraded[/]",
        HealthState.Unhealthy => "[bold red]unhealthy[/]",
        _ => "[grey]unknown[/]",
    };

    private static string SideMarkup(string side) => side switch
    {
        "BUY" => "[green]BUY[/]",
        "SELL" => "[red]SELL[/]",
        _ => Escape(side),
    };

    private static string Money(decimal value) => value.ToString("#,0.00", s_invariant);

    /// <summary>A share count: thousands grouped, a fractional symbol's fraction kept ("1,200", "0.5"; issue 19).</summary>
    private static string Shares(decimal shares) => shares.ToString("#,0.#########", s_invariant);

    private static string Pnl(decimal value)
    {
        string text = (value > 0 ? "+" : string.Empty) + value.ToString("#,0.00", s_invariant);
        return value > 0 ? $"[green]{text}[/]" : value < 0 ? $"[red]{text}[/]" : text;
    }

    private static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("0.00", s_invariant) + "%" : "-";

    private static string Ratio(double? value) => value is { } v ? v.ToString("0.00", s_invariant) : "-";

    private static string Micros(double us) => us.ToString("0.0", s_invariant) + "us";

    private static string EventTime(long tsNs) => tsNs <= 0 ? "-" : DateTimeOffset.UnixEpoch.AddTicks(tsNs / 100).ToString("HH:mm:ss", s_invariant);

    private static string Escape(string text) => Markup.Escape(text);

    private static string Invariant(FormattableString text) => text.ToString(s_invariant);
}
