import { useEffect, useRef } from 'react';
import { softwareGraphics } from '../viewer/mprViewer';
import { BED_CELL_MM, BED_SIZE_MM, ModelScene } from '../preview/modelScene';
import { getModelMeshes, useModelStore } from '../store/modelStore';

/**
 * One preview scene for the page, made when the page is idle (`prepareModelPreview`) or when
 * first shown: its WebGL context and shaders then cost nothing when a model arrives.
 */
let shared: ModelScene | undefined;
const sharedScene = (): ModelScene => (shared ??= new ModelScene({ softwareGraphics: softwareGraphics() }));

/** Makes the preview's scene ahead of the first model (call when the page is idle). */
export function prepareModelPreview(): void {
  try {
    sharedScene();
  } catch {
    // No WebGL here: the preview says so when it is shown.
  }
}

/** The 3D preview of the model on a print bed (three.js lives in src/preview). */
export function ModelView() {
  const hostRef = useRef<HTMLDivElement>(null);
  const sceneRef = useRef<ModelScene | undefined>(undefined);
  const version = useModelStore((s) => s.modelVersion);
  const opacity = useModelStore((s) => s.opacity);
  const modelOpacity = useModelStore((s) => s.modelOpacity);
  const set = useModelStore((s) => s.set);

  // The model version handed to the scene; its next frame shows it.
  const shownVersion = useRef(-1);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const scene = sharedScene();
    const { canvas } = scene;
    canvas.setAttribute('aria-label', '3D model preview');
    canvas.dataset.testid = 'model-canvas';
    host.append(canvas);
    scene.onFrame = (): void => useModelStore.getState().previewShown(shownVersion.current);
    sceneRef.current = scene;
    const observer = new ResizeObserver(() => scene.resize(canvas.clientWidth, canvas.clientHeight));
    observer.observe(canvas);
    scene.resize(canvas.clientWidth, canvas.clientHeight);
    return () => {
      observer.disconnect();
      scene.onFrame = undefined;
      scene.setModels([]); // frees the models' GPU buffers; the scene stays for the next preview
      canvas.remove();
      sceneRef.current = undefined;
    };
  }, []);

  useEffect(() => {
    const opacityNow = useModelStore.getState().opacity;
    shownVersion.current = version;
    sceneRef.current?.setModels(getModelMeshes().map((m) => ({ ...m, opacity: opacityNow })));
  }, [version]);

  useEffect(() => {
    for (const m of getModelMeshes()) sceneRef.current?.setOpacity(m.name, modelOpacity[m.name] ?? opacity);
  }, [opacity, modelOpacity, version]);

  return (
    <figure className="model-view">
      <div ref={hostRef} className="model-canvas-host" />
      <figcaption>
        <span>
          Print bed {BED_SIZE_MM} × {BED_SIZE_MM} mm, grid {BED_CELL_MM} mm. Drag to turn, right-drag to pan, wheel to zoom.
        </span>
        <label>
          Opacity{' '}
          <input
            type="range"
            aria-label="Model opacity"
            min={0.1}
            max={1}
            step={0.05}
            value={opacity}
            onChange={(e) => set({ opacity: Number(e.target.value) })}
          />
        </label>
      </figcaption>
    </figure>
  );
}
