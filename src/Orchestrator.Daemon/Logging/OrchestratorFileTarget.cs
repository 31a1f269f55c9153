using System.Text;
using NLog;
using NLog.Layouts;
using NLog.Targets;

namespace Orchestrator.Daemon.Logging;

/// <summary>
/// NLog target <c>OrchestratorFile</c>: a <see cref="RollingLogFile"/> that NLog's lines (rendered
/// with the target's layout) and the audit thread's lines (<see cref="IAuditLineSink"/>, bytes
/// rendered without NLog) share. A JSON layout makes it a JSON-lines file for audit lines too.
/// Attributes: <c>fileName</c>, <c>archiveAboveSize</c> (bytes), <c>maxArchiveFiles</c>, <c>layout</c>;
/// it rolls every day as well.
/// </summary>
[Target(TypeName)]
public sealed class OrchestratorFileTarget : TargetWithLayout, IAuditLineSink
{
    public const string TypeName = "OrchestratorFile";

    private readonly object _encodeGate = new();
    private readonly StringBuilder _text = new(256);
    private byte[] _bytes = new byte[1024];
    private RollingLogFile? _file;

    /// <summary>The file (rendered once, when the target starts: <c>${gdc:item=logdir}</c> and the like).</summary>
    public Layout FileName { get; set; } = Layout.Empty;

    public long ArchiveAboveSize { get; set; } = LogSetup.RollingFileMaxBytes;

    public int MaxArchiveFiles { get; set; } = LogSetup.RollingFileArchives;

    public bool TakesJson => Layout is JsonLayout;

    /// <summary>The open file (null before the target starts or after it closes).</summary>
    public RollingLogFile? File => Volatile.Read(ref _file);

    public void AppendLine(ReadOnlySpan<byte> line) => Volatile.Read(ref _file)?.Append(line);

    public void FlushLines() => Volatile.Read(ref _file)?.Flush();

    protected override void InitializeTarget()
    {
        base.InitializeTarget();
        string path = FileName.Render(LogEventInfo.CreateNullEvent());
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new NLogConfigurationException($"target '{Name}' ({TypeName}): fileName is empty");
        }

        // Volatile: the audit thread sees the file once it is fully constructed.
        Volatile.Write(ref _file, new RollingLogFile(path, ArchiveAboveSize, MaxArchiveFiles));
    }

    protected override void Write(LogEventInfo logEvent)
    {
        RollingLogFile? file = Volatile.Read(ref _file);
        if (file is null)
        {
            return;
        }

        lock (_encodeGate)
        {
            file.Append(RenderLine(Layout, logEvent, _text, ref _bytes));
        }

        file.Flush(); // NLog's own lines are rare and the operator should see them at once
    }

    /// <summary>NLog's line for <paramref name="logEvent"/> as UTF-8 with its newline, in <paramref name="bytes"/> (grown when too small).</summary>
    internal static ReadOnlySpan<byte> RenderLine(Layout layout, LogEventInfo logEvent, StringBuilder text, ref byte[] bytes)
    {
        text.Clear();
        layout.Render(logEvent, text);
        text.Append('\n');
        int count = 0;
        foreach (ReadOnlyMemory<char> chunk in text.GetChunks())
        {
            int needed = count + Encoding.UTF8.GetMaxByteCount(chunk.Length);
            if (needed > bytes.Length)
            {
                Array.Resize(ref bytes, Math.Max(needed, bytes.Length * 2));
            }

            count += Encoding.UTF8.GetBytes(chunk.Span, bytes.AsSpan(count));
        }

        return bytes.AsSpan(0, count);
    }

    protected override void FlushAsync(NLog.Common.AsyncContinuation asyncContinuation)
    {
        Volatile.Read(ref _file)?.Flush();
        asyncContinuation(null);
    }

    protected override void CloseTarget()
    {
        Interlocked.Exchange(ref _file, null)?.Dispose();
        base.CloseTarget();
    }
}
