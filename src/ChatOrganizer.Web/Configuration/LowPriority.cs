using System.Runtime.InteropServices;

namespace ChatOrganizer.Web.Configuration;

// Work on a thread of its own at the lowest scheduling priority (Linux's nice 19), so requests and jobs go first.
internal static class LowPriority
{
    private const int PriorityProcess = 0; // PRIO_PROCESS: on Linux, with a thread id, that one thread
    private const int Lowest = 19;

    // name: The thread's, as a debugger or a dump shows it.
    public static Task RunAsync(string name, Action work, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Lower();
                work();
                done.TrySetResult();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        { IsBackground = true, Name = name, Priority = ThreadPriority.Lowest };
        thread.Start();
        return done.Task;
    }

    private static void Lower()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = SetPriority(PriorityProcess, GetThreadId(), Lowest);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without gettid: the work runs at normal priority, on one core still.
        }
    }

    // DllImport rather than LibraryImport: ints need no marshalling, and the project allows no unsafe code.
    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);
}
