// The particles in 3D: three.js instanced spheres coloured by a per-particle value, orbit controls and a cutting
// plane (everything above the cut height is clipped away).
import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";

export interface ParticleView {
  /** colours of the particles, r g b in [0, 1] each */
  setColours(rgb: Float32Array): void;
  /** keep what lies below this fraction of the height (1: everything) */
  setCut(fraction: number): void;
  canvas: HTMLCanvasElement;
  dispose(): void;
}

/** A view of spheres (centres and radii in m) in `host`; throws a one-line error where WebGL is unavailable. */
export function particleView(host: HTMLElement, x: number[], y: number[], z: number[], r: number[]): ParticleView {
  const W = host.clientWidth || 640,
    H = host.clientHeight || 420;
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setSize(W, H);
  renderer.setClearColor(0xffffff);
  renderer.localClippingEnabled = true;
  host.replaceChildren(renderer.domElement);
  const scene = new THREE.Scene();
  // work in um: the camera and the lights stay at moderate numbers
  const s = 1e6;
  let lo = [Infinity, Infinity, Infinity],
    hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < x.length; i++) {
    const p = [x[i] * s, y[i] * s, z[i] * s];
    lo = lo.map((v, a) => Math.min(v, p[a] - r[i] * s));
    hi = hi.map((v, a) => Math.max(v, p[a] + r[i] * s));
  }
  const centre = new THREE.Vector3((lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2);
  const size = Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]);
  const camera = new THREE.PerspectiveCamera(40, W / H, size / 100, size * 20);
  camera.up.set(0, 0, 1);
  camera.position.set(centre.x + size * 1.6, centre.y - size * 1.6, centre.z + size * 0.9);
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.target.copy(centre);
  controls.update();
  scene.add(new THREE.AmbientLight(0xffffff, 0.55));
  const light = new THREE.DirectionalLight(0xffffff, 0.9);
  light.position.set(1, -1, 2);
  scene.add(light);
  const cut = new THREE.Plane(new THREE.Vector3(0, 0, -1), hi[2]);
  const material = new THREE.MeshLambertMaterial({ clippingPlanes: [cut] });
  const mesh = new THREE.InstancedMesh(new THREE.SphereGeometry(1, 18, 12), material, x.length);
  const m = new THREE.Matrix4();
  for (let i = 0; i < x.length; i++) {
    const R = r[i] * s;
    m.makeScale(R, R, R).setPosition(x[i] * s, y[i] * s, z[i] * s);
    mesh.setMatrixAt(i, m);
    mesh.setColorAt(i, new THREE.Color(0.6, 0.6, 0.6));
  }
  scene.add(mesh);
  const render = () => renderer.render(scene, camera);
  controls.addEventListener("change", render);
  render();
  return {
    canvas: renderer.domElement,
    setColours(rgb) {
      const c = new THREE.Color();
      for (let i = 0; i < x.length; i++) mesh.setColorAt(i, c.setRGB(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]));
      mesh.instanceColor!.needsUpdate = true;
      render();
    },
    setCut(f) {
      cut.constant = lo[2] + f * (hi[2] - lo[2]);
      render();
    },
    dispose() {
      controls.dispose();
      renderer.dispose();
    },
  };
}

// viridis, 9 stops
const VIRIDIS = [
  [0.267, 0.005, 0.329],
  [0.283, 0.141, 0.458],
  [0.254, 0.265, 0.53],
  [0.207, 0.372, 0.553],
  [0.164, 0.471, 0.558],
  [0.128, 0.567, 0.551],
  [0.135, 0.659, 0.518],
  [0.267, 0.749, 0.441],
  [0.993, 0.906, 0.144],
];

/** Viridis colours of the values over [lo, hi]. */
export function colourMap(v: ArrayLike<number>, lo: number, hi: number): Float32Array {
  const out = new Float32Array(3 * v.length);
  for (let i = 0; i < v.length; i++) {
    const t = hi > lo ? Math.min(1, Math.max(0, (v[i] - lo) / (hi - lo))) : 0.5;
    const f = t * (VIRIDIS.length - 1),
      k = Math.min(VIRIDIS.length - 2, Math.floor(f)),
      u = f - k;
    for (let c = 0; c < 3; c++) out[3 * i + c] = VIRIDIS[k][c] * (1 - u) + VIRIDIS[k + 1][c] * u;
  }
  return out;
}
