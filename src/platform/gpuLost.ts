// Watches the WebGPU device under tfjs: a lost device (driver reset, tab in the background too long, GPU
// removed) otherwise shows up as hung or garbage computations; here it becomes one clear error.
import * as tf from '@tensorflow/tfjs';

export interface DeviceLoss {
  /** 'destroyed' when tfjs itself disposed the device, 'unknown' otherwise (WebGPU's GPUDeviceLostReason). */
  reason: string;
  message: string;
}

interface LosableDevice {
  lost: Promise<{ reason?: unknown; message?: unknown }>;
}

function webGpuDevice(backend: unknown): LosableDevice | null {
  if (typeof backend !== 'object' || backend === null || !('device' in backend)) return null;
  const device = backend.device;
  if (typeof device !== 'object' || device === null || !('lost' in device)) return null;
  return device.lost instanceof Promise ? { lost: device.lost } : null;
}

/**
 * Calls `onLost` once if the current webgpu backend's device is lost. Returns a function that cancels
 * the watch. On any other backend it does nothing.
 */
export function watchDeviceLoss(onLost: (loss: DeviceLoss) => void): () => void {
  let active = true;
  if (tf.getBackend() !== 'webgpu') return () => {};
  const device = webGpuDevice(tf.backend());
  if (!device) return () => {};
  void device.lost.then((info) => {
    if (!active) return;
    const reason = typeof info.reason === 'string' ? info.reason : 'unknown';
    // The browser's own text often ends in a period; the sentence below adds its own.
    const text = typeof info.message === 'string' ? info.message.trim().replace(/\.+$/, '') : '';
    const detail = text !== '' ? `: ${text}` : '';
    onLost({
      reason,
      message: `the WebGPU device was lost (${reason})${detail}. Reload the page and resume from a checkpoint.`,
    });
  });
  return () => {
    active = false;
  };
}
