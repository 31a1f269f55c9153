using System.Text;
using NLog;
using NLog.Targets;

namespace Orchestrator.Daemon.Logging;

/// <summary>
/// NLog target <c>OrchestratorConsole</c>: standard output as bytes, one buffered writer that NLog's
/// lines (the target's layout) and the audit thread's human lines (<see cref="IAuditLineSink"/>) share,
/// so they never interleave mid-line. NLog's lines are written at once; audit lines at the end of each batch.
/// </summary>
[Target(TypeName)]
public sealed class OrchestratorConsoleTarget : TargetWithLayout, IAuditLineSink
{
    public const string TypeName = "OrchestratorConsole";

    private static readonly object s_gate = new(); // one standard output, however many targets
    private static Stream? s_stdout;
    private readonly StringBuilder _text = new(256);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private byte[] _bytes = new byte[1024];
    private int _buffered;

    public bool TakesJson => false;

    /// <summary>From now on "console" is standard error (MCP over stdio owns standard output).</summary>
    public static void RedirectToStandardError()
    {
        lock (s_gate)
        {
            s_stdout = Console.OpenStandardError();
        }
    }

    public void AppendLine(ReadOnlySpan<byte> line)
    {
        lock (s_gate)
        {
            if (line.Length > _buffer.Length - _buffered)
            {
                WriteBuffered();
            }

            if (line.Length > _buffer.Length)
            {
                Stdout().Write(line);
                return;
            }

            line.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += line.Length;
        }
    }

    public void FlushLines()
    {
        lock (s_gate)
        {
            WriteBuffered();
        }
    }

    protected override void Write(LogEventInfo logEvent)
    {
        lock (s_gate)
        {
            ReadOnlySpan<byte> line = OrchestratorFileTarget.RenderLine(Layout, logEvent, _text, ref _bytes);
            WriteBuffered();
            Stdout().Write(line);
            Stdout().Flush();
        }
    }

    protected override void CloseTarget()
    {
        FlushLines();
        base.CloseTarget();
    }

    private void WriteBuffered()
    {
        if (_buffered > 0)
        {
            Stream stdout = Stdout();
            stdout.Write(_buffer, 0, _buffered);
            stdout.Flush();
            _buffered = 0;
        }
    }

    private static Stream Stdout() => s_stdout ??= Console.OpenStandardOutput();
}
